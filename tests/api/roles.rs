use hearken::domain::Role;

use crate::helpers::{location, spawn_app, Backend};
use crate::on_both_backends;

async fn anonymous_visitors_are_sent_to_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member(
        "Maya",
        "maya@example.com",
        Role::Admin,
        crate::helpers::PASSWORD,
    );

    for (path, expected) in [("/", "/sign-in"), ("/team", "/sign-in?next=%2Fteam")] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 303, "{path}");
        assert_eq!(location(&response), expected, "{path}");
    }
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
    anonymous_visitors_are_sent_to_sign_in,
    the_team_page_is_for_leads_and_admins,
);
