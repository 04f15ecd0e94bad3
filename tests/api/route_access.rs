//! Every route in the route table × anonymous, agent, lead, admin and a deactivated member (whose
//! session cookie still exists), over real HTTP, against the README's role table. The
//! expectations are one table here; a route the server has that this table lacks (or the other
//! way round) fails the test, and so does any 5xx answer.

use hearken::domain::{ConversationState, Role};
use hearken::routes::table::{entries, Access, Entry, Method};

use crate::helpers::{csrf_token_in, location, spawn_app, Backend, TestApp, Visitor, PASSWORD};
use crate::on_both_backends;

/// The README's role table, route by route.
const EXPECTED: &[(Method, &str, Access)] = {
    use Access::*;
    use Method::*;
    &[
        (Get, "/healthz", Anyone),
        (Get, "/static/{name}", Anyone),
        (Get, "/sign-in", Anyone),
        (Post, "/sign-in", Anyone),
        (Post, "/sign-out", Anyone),
        (Get, "/setup", Anyone),
        (Post, "/setup", Anyone),
        (Get, "/", Member),
        (Get, "/live/board", Member),
        // Live updates for members' pages.
        (Get, "/events", Member),
        (Get, "/conversations", Member),
        (Get, "/conversations/{id}", Member),
        (Post, "/conversations/{id}/take-over", Member),
        (Post, "/conversations/{id}/hand-back", Member),
        (Get, "/conversations/{id}/close", Member),
        (Post, "/conversations/{id}/close", Member),
        (Post, "/conversations/{id}/messages", Member),
        // Reopening a closed conversation: admins only.
        (Post, "/conversations/{id}/reopen", Admin),
        // Writing the knowledge base: leads and admins; agents read published articles.
        (Get, "/kb", Lead),
        (Post, "/kb", Lead),
        (Get, "/kb/new", Lead),
        (Get, "/kb/{slug}/edit", Lead),
        (Get, "/kb/{slug}", Member),
        (Post, "/kb/{slug}", Lead),
        (Get, "/help/{slug}", Anyone),
        (Get, "/chat", Anyone),
        (Get, "/chat/history", Anyone),
        (Get, "/chat/events", Anyone),
        (Get, "/widget/api/events", Anyone),
        (Post, "/chat/messages", Anyone),
        (Post, "/chat/person", Anyone),
        (Post, "/chat/verdict", Anyone),
        (Post, "/chat/answered", Anyone),
        (Post, "/chat/more-help", Anyone),
        // The embeddable widget: its script and the JSON API it calls from the team's website.
        (Get, "/widget.js", Anyone),
        (Get, "/widget/app-{version}.js", Anyone),
        (Post, "/widget/api/chat", Anyone),
        (Post, "/widget/api/messages", Anyone),
        (Post, "/widget/api/person", Anyone),
        (Post, "/widget/api/verdict", Anyone),
        (Post, "/widget/api/answered", Anyone),
        (Post, "/widget/api/more-help", Anyone),
        // Reports and CSV, Settings, Team: leads and admins.
        (Get, "/reports", Lead),
        (Get, "/reports/{table}.csv", Lead),
        (Get, "/settings", Lead),
        (Post, "/settings", Lead),
        (Get, "/team", Lead),
        (Post, "/team", Lead),
        (Post, "/team/{id}/role", Lead),
        (Post, "/team/{id}/deactivate", Lead),
        (Post, "/team/{id}/reactivate", Lead),
        (Post, "/team/{id}/password", Lead),
        // Your account: every member, for themselves.
        (Get, "/account", Member),
        (Post, "/account/password", Member),
        (Post, "/account/sign-out-others", Member),
    ]
};

#[test]
fn every_route_has_a_row_in_the_role_table() {
    let served: Vec<(Method, &str, Access)> = entries()
        .into_iter()
        .map(
            |Entry {
                 method,
                 path,
                 access,
             }| (method, path, access),
        )
        .collect();
    let missing: Vec<_> = served.iter().filter(|r| !EXPECTED.contains(r)).collect();
    let extra: Vec<_> = EXPECTED.iter().filter(|r| !served.contains(r)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "served but not in the role table (or with another access): {missing:?}\n\
         in the role table but not served: {extra:?}"
    );
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Deactivated,
    Signed(Role),
}

/// What `who` must get from a route with `access`.
#[derive(Debug, PartialEq, Eq)]
enum Expect {
    SignIn,
    RoleRefused,
    Served,
    /// A 5xx: never what anyone should get, so never expected.
    ServerError(u16),
}

fn expected(access: Access, who: Who) -> Expect {
    match (access, who) {
        (Access::Anyone, _) => Expect::Served,
        (_, Who::Anonymous | Who::Deactivated) => Expect::SignIn,
        (Access::Member, Who::Signed(_)) => Expect::Served,
        (Access::Lead, Who::Signed(role)) if role.at_least(Role::Lead) => Expect::Served,
        (Access::Admin, Who::Signed(Role::Admin)) => Expect::Served,
        (Access::Lead | Access::Admin, Who::Signed(_)) => Expect::RoleRefused,
    }
}

async fn what_happened(response: reqwest::Response) -> Expect {
    let status = response.status().as_u16();
    let to = location(&response);
    // An event stream stays open: being served is all this test needs to know of it.
    let streaming = response
        .headers()
        .get("content-type")
        .is_some_and(|kind| kind.as_bytes().starts_with(b"text/event-stream"));
    if status == 200 && streaming {
        return Expect::Served;
    }
    if status >= 500 {
        return Expect::ServerError(status);
    }
    let body = response.text().await.unwrap_or_default();
    if status == 303 && to.starts_with("/sign-in") {
        Expect::SignIn
    } else if status == 403 && body.contains("Your role does not allow") {
        Expect::RoleRefused
    } else {
        Expect::Served
    }
}

async fn every_route_answers_each_role_as_the_role_table_says(backend: Backend) {
    let app = spawn_app(backend).await;
    let target = app.add_member("Tom", "tom@example.com", Role::Agent, PASSWORD);
    let id = app.conversation(Some("Noor"), ConversationState::Waiting, None, "Hi");
    // A real place for each pattern: the team routes act on Tom, the others on Noor's.
    let concrete = |path: &str| {
        let id = if path.starts_with("/team/") {
            target.id
        } else {
            id
        };
        path.replace("{id}", &id.to_string())
            .replace("{slug}", "no-such-article")
            .replace("{table}", "members")
            .replace("{name}", "app.css")
    };
    let mut people: Vec<(Who, Visitor)> = vec![(Who::Anonymous, app.new_visitor())];
    for (n, role) in [Role::Agent, Role::Lead, Role::Admin]
        .into_iter()
        .enumerate()
    {
        let visitor = app.new_visitor();
        app.member_signed_in(&visitor, &format!("member{n}"), role)
            .await;
        people.push((Who::Signed(role), visitor));
    }
    // Deactivated after signing in, with the session cookie still in the browser.
    let gone = app.new_visitor();
    let gone_user = app.member_signed_in(&gone, "gone", Role::Admin).await;
    assert_eq!(gone.get("/").await.status().as_u16(), 200);
    deactivate(&app, gone_user.id);
    people.push((Who::Deactivated, gone));

    let mut wrong = Vec::new();
    // Sign-out last: it ends the session the other rows need.
    // The expectations come from the role table above, not from the server's own rows.
    let mut rows: Vec<Entry> = EXPECTED
        .iter()
        .map(|&(method, path, access)| Entry {
            method,
            path,
            access,
        })
        .collect();
    rows.sort_by_key(|entry| entry.path == "/sign-out");
    for (who, visitor) in &people {
        for entry in &rows {
            let path = concrete(entry.path);
            let response = match entry.method {
                Method::Get => visitor.get(&path).await,
                Method::Post => {
                    // A real token of this browser's session, so only the role decides.
                    let page = if *who == Who::Anonymous || *who == Who::Deactivated {
                        "/sign-in"
                    } else {
                        "/"
                    };
                    let token = csrf_token_in(&visitor.get_html(page).await);
                    visitor
                        .post_raw(&path, &[("csrf_token", token.as_str())])
                        .await
                }
            };
            let mut got = what_happened(response).await;
            // Public routes may send people on by their own logic (setup once a team exists,
            // sign-out): all that matters is that no role is asked for.
            if entry.access == Access::Anyone && got == Expect::SignIn {
                got = Expect::Served;
            }
            let want = expected(entry.access, *who);
            if got != want {
                wrong.push(format!(
                    "{who:?} {:?} {path}: got {got:?}, want {want:?}",
                    entry.method
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// Marks a member inactive straight in the database and leaves their sessions in place (the
/// Team page would end them too), so that only the session layer's own check of the member
/// stands between the old cookie and the team's pages.
fn deactivate(app: &TestApp, user_id: i64) {
    use diesel::prelude::*;
    use hearken::db::schema::{sessions, users};
    let mut conn = app.db();
    diesel::update(users::table.find(user_id))
        .set(users::active.eq(false))
        .execute(&mut conn)
        .unwrap();
    let sessions: i64 = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(sessions, 1, "the session is still there");
}

on_both_backends!(every_route_answers_each_role_as_the_role_table_says);
