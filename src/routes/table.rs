//! The route table: every path, its method, its handler and who may use it, in one list. The
//! server registers exactly these rows, and the security tests walk the same rows, so a route
//! cannot be added without saying who may use it.

use actix_web::middleware::from_fn;
use actix_web::{web, Route};

use super::{
    account, assets, auth, chat, conversations, events, health, kb, live, reports, settings, team,
    widget,
};
use crate::domain::Role;
use crate::session::require_role;

/// Who may use a route (as in the README's role table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Visitors and the public pages: no sign-in.
    Anyone,
    /// Any signed-in member (the handler's `CurrentUser` sends others to sign in).
    Member,
    /// Team leads and admins.
    Lead,
    /// Admins only.
    Admin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// One row: method, path pattern, who may use it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

macro_rules! routes {
    ($($method:ident $path:literal $access:ident => $handler:path;)+) => {
        /// Every route with its handler, in matching order (`/kb/new` before `/kb/{slug}`).
        fn rows() -> Vec<(Entry, Route)> {
            vec![$((
                Entry { method: Method::$method, path: $path, access: Access::$access },
                routes!(@route $method).to($handler),
            )),+]
        }
    };
    (@route Get) => { web::get() };
    (@route Post) => { web::post() };
}

routes! {
    Get "/healthz" Anyone => health::check;
    Get "/static/{name}" Anyone => assets::serve;
    Get "/sign-in" Anyone => auth::sign_in::form;
    Post "/sign-in" Anyone => auth::sign_in::submit;
    Post "/sign-out" Anyone => auth::sign_out::submit;
    Get "/setup" Anyone => auth::setup::form;
    Post "/setup" Anyone => auth::setup::submit;
    Get "/" Member => live::show::show;
    Get "/live/board" Member => live::board::part;
    Get "/events" Member => events::member;
    Get "/conversations" Member => conversations::list::list;
    Get "/conversations/{id}" Member => conversations::show::show;
    Post "/conversations/{id}/take-over" Member => conversations::act::take_over;
    Post "/conversations/{id}/hand-back" Member => conversations::act::hand_back;
    Get "/conversations/{id}/close" Member => conversations::close::form;
    Post "/conversations/{id}/close" Member => conversations::close::submit;
    Post "/conversations/{id}/messages" Member => conversations::reply::submit;
    Post "/conversations/{id}/reopen" Admin => conversations::act::reopen;
    Get "/kb" Lead => kb::edit::list;
    Post "/kb" Lead => kb::edit::create;
    Get "/kb/new" Lead => kb::edit::new;
    Get "/kb/{slug}/edit" Lead => kb::edit::edit;
    Get "/kb/{slug}" Member => kb::show::show;
    Post "/kb/{slug}" Lead => kb::edit::update;
    Get "/help/{slug}" Anyone => kb::public::show;
    Get "/chat" Anyone => chat::show::show;
    Get "/chat/history" Anyone => chat::show::history;
    Get "/chat/events" Anyone => events::chat;
    Get "/widget/api/events" Anyone => events::widget;
    Post "/chat/messages" Anyone => chat::send::message;
    Post "/chat/person" Anyone => chat::send::person;
    Post "/chat/verdict" Anyone => chat::verdict::give;
    Post "/chat/answered" Anyone => chat::feedback::confirm;
    Post "/chat/more-help" Anyone => chat::feedback::more_help;
    Get "/widget.js" Anyone => widget::loader::loader;
    Get "/widget/app-{version}.js" Anyone => widget::loader::app;
    Post "/widget/api/chat" Anyone => widget::chat::show;
    Post "/widget/api/messages" Anyone => widget::send::message;
    Post "/widget/api/person" Anyone => widget::send::person;
    Post "/widget/api/verdict" Anyone => widget::verdict::give;
    Post "/widget/api/answered" Anyone => widget::send::answered;
    Post "/widget/api/more-help" Anyone => widget::send::more_help;
    Get "/reports" Lead => reports::show::show;
    Get "/reports/{table}.csv" Lead => reports::export::export;
    Get "/settings" Lead => settings::edit::form;
    Post "/settings" Lead => settings::edit::submit;
    Get "/team" Lead => team::list::list;
    Post "/team" Lead => team::add::submit;
    Post "/team/{id}/role" Lead => team::change::role;
    Post "/team/{id}/deactivate" Lead => team::change::deactivate;
    Post "/team/{id}/reactivate" Lead => team::change::reactivate;
    Post "/team/{id}/password" Lead => team::change::password;
    Get "/account" Member => account::show::show;
    Post "/account/password" Member => account::password::submit;
    Post "/account/sign-out-others" Member => account::sessions::sign_out_others;
}

/// The largest form an article page accepts: 20,000 characters of 4-byte UTF-8 are 240,000 bytes
/// once percent-encoded, plus the title and the token.
pub const ARTICLE_FORM_LIMIT: usize = 256 * 1024;
/// The largest of every other form: a 5,000-character message fits with room to spare.
pub const FORM_LIMIT: usize = 64 * 1024;

/// The largest body the route with this pattern accepts.
pub fn form_limit(pattern: &str) -> usize {
    match pattern {
        "/kb" | "/kb/{slug}" => ARTICLE_FORM_LIMIT,
        _ => FORM_LIMIT,
    }
}

/// The table without its handlers, for the tests.
pub fn entries() -> Vec<Entry> {
    rows().into_iter().map(|(entry, _)| entry).collect()
}

/// Registers every row: one resource per path (in the table's order), each route guarded by the
/// role its row names.
pub fn configure(config: &mut web::ServiceConfig) {
    let mut resources: Vec<(&'static str, actix_web::Resource)> = Vec::new();
    for (entry, route) in rows() {
        let route = match entry.access {
            Access::Anyone | Access::Member => route,
            Access::Lead => route.wrap(from_fn(|req, next| require_role(Role::Lead, req, next))),
            Access::Admin => route.wrap(from_fn(|req, next| require_role(Role::Admin, req, next))),
        };
        match resources.iter().position(|(path, _)| *path == entry.path) {
            Some(index) => {
                let (path, resource) = resources.remove(index);
                resources.insert(index, (path, resource.route(route)));
            }
            None => {
                let resource = web::resource(entry.path)
                    .app_data(web::PayloadConfig::new(form_limit(entry.path)))
                    .route(route);
                resources.push((entry.path, resource));
            }
        }
    }
    for (_, resource) in resources {
        config.service(resource);
    }
}
