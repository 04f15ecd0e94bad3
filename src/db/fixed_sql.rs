//! A piece of SQL written once in the code, as an expression of a query built with diesel.
//!
//! `diesel::dsl::sql` takes any string, so diesel must assume it may differ on every call and
//! never keeps the statement prepared: PostgreSQL then plans it again on every request (for Live
//! support's queries, 3 ms of planning for well under 1 ms of work). A [`fixed`] fragment is a
//! `&'static str`, so the whole statement is kept prepared, keyed by its SQL text.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{is_aggregate, AppearsOnTable, Expression, SelectableExpression};
use diesel::expression::{TypedExpressionType, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::QueryResult;

/// SQL of type `ST` that is the same on every call.
#[derive(Debug, Clone, Copy)]
pub struct FixedSql<ST> {
    sql: &'static str,
    sql_type: PhantomData<ST>,
}

/// `sql` as an expression of type `ST`, like `diesel::dsl::sql`, for text fixed at compile time.
pub const fn fixed<ST>(sql: &'static str) -> FixedSql<ST> {
    FixedSql {
        sql,
        sql_type: PhantomData,
    }
}

impl<ST: TypedExpressionType> Expression for FixedSql<ST> {
    type SqlType = ST;
}

impl<ST, DB: Backend> QueryFragment<DB> for FixedSql<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.sql);
        Ok(())
    }
}

// Not identified by its type (two fragments of one type differ in text): the statement cache
// then keys the whole statement by its SQL.
impl<ST> QueryId for FixedSql<ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST, QS> SelectableExpression<QS> for FixedSql<ST> where Self: Expression {}

impl<ST, QS> AppearsOnTable<QS> for FixedSql<ST> where Self: Expression {}

impl<ST, GB> ValidGrouping<GB> for FixedSql<ST> {
    type IsAggregate = is_aggregate::Never;
}
