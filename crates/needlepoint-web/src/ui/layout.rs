//! The page shell.

use maud::{DOCTYPE, Markup, html};
use needlepoint_store::Role;

use crate::session::CurrentUser;
use crate::ui::form::csrf_field;

pub fn page(title: &str, user: Option<&CurrentUser>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Needlepoint" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/" { "Needlepoint" }
                    @if let Some(user) = user {
                        nav aria-label="Main" {
                            a href="/clients" { "Clients" }
                            a href="/calendar" { "Calendar" }
                            @if user.role().is_clinical() { a href="/lots" { "Lots" } }
                            @if user.role() == Role::Owner {
                                a href="/clinic" { "Clinic" }
                                a href="/users" { "Users" }
                                a href="/audit" { "Audit log" }
                            }
                        }
                        form.logout method="post" action="/logout" {
                            (csrf_field(user))
                            span.who { (user.user().email) " · " (user.role().label()) }
                            button.link type="submit" { "Sign out" }
                        }
                    }
                }
                main id="main" { h1 { (title) } (content) }
                footer { p { "Microneedling is minimally invasive. Needlepoint supports the practitioner's judgement; it does not diagnose." } }
            }
        }
    }
}
