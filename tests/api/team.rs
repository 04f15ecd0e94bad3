//! Managing the team: leads manage agents and leads, admins everyone; deactivation and new
//! passwords end sessions; the team keeps an admin.

use diesel::prelude::*;
use hearken::db::schema::users;
use hearken::domain::Role;

use crate::helpers::{location, spawn_app, Backend, PASSWORD};
use crate::on_both_backends;

async fn a_lead_adds_an_agent_who_can_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "jonas", Role::Lead)
        .await;

    let response = app
        .submit(
            "/team",
            "/team",
            &[
                ("name", "Priya Shah"),
                ("email", "Priya@Example.com"),
                ("role", "agent"),
                ("password", "first password 1"),
            ],
        )
        .await;

    assert_eq!(location(&response), "/team");
    assert!(app
        .get_html("/team")
        .await
        .contains("Added Priya Shah as Agent."));
    let priya = app.new_visitor();
    assert_eq!(
        location(&priya.sign_in("priya@example.com", "first password 1").await),
        "/"
    );
}

async fn bad_or_forbidden_additions_are_explained(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "jonas", Role::Lead)
        .await;

    let admin = app
        .submit(
            "/team",
            "/team",
            &[
                ("name", "Mallory"),
                ("email", "m@example.com"),
                ("role", "admin"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(admin.status().as_u16(), 422);
    assert!(admin
        .text()
        .await
        .unwrap()
        .contains("only an admin can add an admin"));
    let duplicate = app
        .submit(
            "/team",
            "/team",
            &[
                ("name", "Again"),
                ("email", "JONAS@example.com"),
                ("role", "agent"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(duplicate.status().as_u16(), 422);
    let page = duplicate.text().await.unwrap();
    assert!(page.contains("Someone on the team already has this email address."));
    assert!(page.contains("value=\"Again\""), "input kept");
    let count: i64 = users::table.count().get_result(&mut app.db()).unwrap();
    assert_eq!(count, 1);
    // Agents cannot manage the team at all.
    let agent = app.new_visitor();
    app.member_signed_in(&agent, "priya", Role::Agent).await;
    let token = crate::helpers::csrf_token_in(&agent.get_html("/").await);
    let refused = agent
        .post_raw(
            "/team",
            &[
                ("csrf_token", &token),
                ("name", "X"),
                ("email", "x@example.com"),
                ("role", "agent"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status().as_u16(), 403);
}

async fn deactivating_a_member_signs_them_out_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "maya", Role::Admin)
        .await;
    let tom_browser = app.new_visitor();
    let tom = app.member_signed_in(&tom_browser, "tom", Role::Agent).await;
    assert_eq!(tom_browser.get("/").await.status().as_u16(), 200);

    let response = app
        .submit("/team", &format!("/team/{}/deactivate", tom.id), &[])
        .await;

    assert_eq!(location(&response), "/team");
    assert_eq!(
        tom_browser.get("/").await.status().as_u16(),
        303,
        "signed out"
    );
    assert_eq!(
        tom_browser
            .sign_in("tom@example.com", PASSWORD)
            .await
            .status()
            .as_u16(),
        401
    );
    app.submit("/team", &format!("/team/{}/reactivate", tom.id), &[])
        .await;
    assert_eq!(
        tom_browser
            .sign_in("tom@example.com", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
}

async fn a_new_password_ends_old_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "jonas", Role::Lead)
        .await;
    let tom_browser = app.new_visitor();
    let tom = app.member_signed_in(&tom_browser, "tom", Role::Agent).await;

    let short = app
        .submit(
            "/team",
            &format!("/team/{}/password", tom.id),
            &[("password", "short")],
        )
        .await;
    assert_eq!(short.status().as_u16(), 422);
    app.submit(
        "/team",
        &format!("/team/{}/password", tom.id),
        &[("password", "a brand new password")],
    )
    .await;

    assert_eq!(tom_browser.get("/").await.status().as_u16(), 303);
    assert_eq!(
        tom_browser
            .sign_in("tom@example.com", PASSWORD)
            .await
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        tom_browser
            .sign_in("tom@example.com", "a brand new password")
            .await
            .status()
            .as_u16(),
        303
    );
}

async fn leads_cannot_touch_admins_and_the_team_keeps_an_admin(backend: Backend) {
    let app = spawn_app(backend).await;
    let maya = app
        .member_signed_in(&app.visitor, "maya", Role::Admin)
        .await;
    let lead = app.new_visitor();
    let jonas = app.member_signed_in(&lead, "jonas", Role::Lead).await;

    let by_lead = lead
        .submit("/team", &format!("/team/{}/deactivate", maya.id), &[])
        .await;
    assert_eq!(by_lead.status().as_u16(), 403);
    let promote = lead
        .submit(
            "/team",
            &format!("/team/{}/role", jonas.id),
            &[("role", "admin")],
        )
        .await;
    assert_eq!(promote.status().as_u16(), 403);
    let myself = app
        .submit("/team", &format!("/team/{}/deactivate", maya.id), &[])
        .await;
    assert_eq!(myself.status().as_u16(), 409);
    assert!(myself
        .text()
        .await
        .unwrap()
        .contains("You cannot deactivate yourself"));
    // Maya makes Jonas admin; then Jonas may demote Maya, but not the last admin (himself is
    // "yourself"; with Maya demoted he is the only one).
    let promoted = app
        .submit(
            "/team",
            &format!("/team/{}/role", jonas.id),
            &[("role", "admin")],
        )
        .await;
    assert_eq!(location(&promoted), "/team");
    let demoted = lead
        .submit(
            "/team",
            &format!("/team/{}/role", maya.id),
            &[("role", "lead")],
        )
        .await;
    assert_eq!(location(&demoted), "/team");
    let roles: Vec<(String, String)> = users::table
        .order(users::id)
        .select((users::email, users::role))
        .load(&mut app.db())
        .unwrap();
    assert_eq!(
        roles,
        vec![
            ("maya@example.com".into(), "lead".into()),
            ("jonas@example.com".into(), "admin".into())
        ]
    );
    let bad_role = lead
        .submit(
            "/team",
            &format!("/team/{}/role", maya.id),
            &[("role", "owner")],
        )
        .await;
    assert_eq!(bad_role.status().as_u16(), 422);
    assert_eq!(
        lead.submit("/team", "/team/999999/deactivate", &[])
            .await
            .status()
            .as_u16(),
        404
    );
}

async fn the_team_page_is_for_leads_and_admins(backend: Backend) {
    for (role, status) in [(Role::Agent, 403), (Role::Lead, 200), (Role::Admin, 200)] {
        let app = spawn_app(backend).await;
        app.signed_in_as(role).await;

        let response = app.get("/team").await;

        assert_eq!(response.status().as_u16(), status, "{role:?}");
        let page = response.text().await.unwrap();
        if status == 403 {
            assert!(page.contains("Your role does not allow this."));
        } else {
            assert!(page.contains(&format!("{}@example.com", role.as_str())));
        }
        // The navigation only offers what the role may open.
        let home = app.get_html("/").await;
        assert_eq!(home.contains("href=\"/team\""), status == 200, "{role:?}");
    }
}

on_both_backends!(
    a_lead_adds_an_agent_who_can_sign_in,
    bad_or_forbidden_additions_are_explained,
    deactivating_a_member_signs_them_out_at_once,
    a_new_password_ends_old_sessions,
    leads_cannot_touch_admins_and_the_team_keeps_an_admin,
    the_team_page_is_for_leads_and_admins,
);
