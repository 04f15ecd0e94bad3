//! `POST /widget/api/messages` (the visitor writes), `POST /widget/api/person` ("Talk to a
//! person"), and `POST /widget/api/answered` / `more-help` (under the bot's answer). The body
//! is a form (`token`, `body`, `name`, `email`, and `after`: the last message
//! the widget shows, so the answer carries only what is new). Over a limit: 429 and nothing
//! created; refused input: 422 with the sentence to show, and the widget keeps what was typed.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::form::{given_after, given_token, read_form, WidgetForm, UNREADABLE};
use super::{admit, Admitted};
use crate::bot::feedback::Feedback;
use crate::bot::Bot;
use crate::db::Pool;
use crate::error::AppError;
use crate::routes::chat::feedback::{self, Verdict};
use crate::routes::chat::limits::VisitorGuard;
use crate::routes::chat::visitor::{self, Sent, Visitor, VisitorMessage};

/// A widget write as far as its handler's own work: the website admitted, the form read and
/// the visitor named.
pub(super) struct Write {
    pub admitted: Admitted,
    pub form: WidgetForm,
    pub who: Visitor,
}

/// The steps every widget write starts with; `Err` is the response that ends it there.
pub(super) async fn begin(
    req: &HttpRequest,
    body: &[u8],
    pool: &Pool,
    guard: &VisitorGuard,
) -> Result<Result<Write, HttpResponse>, AppError> {
    let admitted = match admit(req, pool).await? {
        Ok(admitted) => admitted,
        Err(refused) => return Ok(Err(refused)),
    };
    let Some(mut form) = read_form(body) else {
        return Ok(Err(admitted.error(StatusCode::BAD_REQUEST, UNREADABLE)));
    };
    let who = Visitor {
        token: given_token(form.token.take()),
        address: guard.address(req),
    };
    Ok(Ok(Write {
        admitted,
        form,
        who,
    }))
}

/// The answer to a write: the visitor's chat with what is new (and `notice`, said once), or
/// the sentence that says why not.
async fn answer(
    admitted: &Admitted,
    pool: &Pool,
    sent: Sent,
    after: Option<i64>,
    notice: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    let status = sent.status();
    match sent {
        Sent::Done { token } => {
            let view = visitor::view(
                pool,
                Some(token.clone()),
                admitted.settings.human_support_enabled,
            )
            .await?;
            let mut chat = admitted.chat(Some(token), &view, after);
            chat.notice = notice;
            Ok(admitted.json(status, &chat))
        }
        Sent::Refused(reason) | Sent::Limited(reason) => Ok(admitted.error(status, reason)),
    }
}

/// A widget write from its first steps (`begin`) to its answer: `work` writes, given the form
/// and the visitor, and says what came of it and what to say once.
async fn write(
    req: &HttpRequest,
    body: &[u8],
    pool: &Pool,
    guard: &VisitorGuard,
    work: impl AsyncFnOnce(WidgetForm, Visitor) -> Result<(Sent, Option<&'static str>), AppError>,
) -> Result<HttpResponse, AppError> {
    let Write {
        admitted,
        form,
        who,
    } = match begin(req, body, pool, guard).await? {
        Ok(write) => write,
        Err(refused) => return Ok(refused),
    };
    let after = given_after(form.after.as_deref());
    let (sent, notice) = work(form, who).await?;
    answer(&admitted, pool, sent, after, notice).await
}

pub async fn message(
    req: HttpRequest,
    body: web::Bytes,
    pool: web::Data<Pool>,
    bot: web::Data<Bot>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    let bot = bot.into_inner();
    write(&req, &body, &pool, &guard, async |form, who| {
        let typed = VisitorMessage {
            body: form.body,
            name: form.name,
            email: form.email,
        };
        Ok((visitor::write(&pool, &bot, &guard, who, typed).await?, None))
    })
    .await
}

pub async fn person(
    req: HttpRequest,
    body: web::Bytes,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    write(&req, &body, &pool, &guard, async |_, who| {
        Ok((visitor::ask_for_person(&pool, &guard, who).await?, None))
    })
    .await
}

async fn feedback(
    req: HttpRequest,
    body: web::Bytes,
    pool: web::Data<Pool>,
    bot: web::Data<Bot>,
    guard: web::Data<VisitorGuard>,
    verdict: Verdict,
) -> Result<HttpResponse, AppError> {
    let bot = bot.into_inner();
    write(&req, &body, &pool, &guard, async |form, who| {
        let message = form.message.as_deref();
        let (sent, done) = feedback::answered(&pool, &bot, &guard, who, message, verdict).await?;
        Ok((
            sent,
            (done == Feedback::Confirmed).then_some(feedback::THANKS),
        ))
    })
    .await
}
/// `POST /widget/api/answered`: "That answered my question" (`message`: the answer).
pub async fn answered(
    req: HttpRequest,
    body: web::Bytes,
    pool: web::Data<Pool>,
    bot: web::Data<Bot>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    feedback(req, body, pool, bot, guard, Verdict::Answered).await
}

/// `POST /widget/api/more-help`: "I still need help" (`message`: the answer).
pub async fn more_help(
    req: HttpRequest,
    body: web::Bytes,
    pool: web::Data<Pool>,
    bot: web::Data<Bot>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    feedback(req, body, pool, bot, guard, Verdict::StillNeedHelp).await
}
