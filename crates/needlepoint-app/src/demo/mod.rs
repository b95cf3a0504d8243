//! A believable clinic for `needlepoint demo`: one user per role and thirty clients in every state
//! (new, screened, deferred with a date, zone excluded, planned, consented, referred, not a
//! candidate), created through the same use cases as the pages, so every record is real and audited.

use jiff::civil::Date;
use needlepoint_store::{Client, ConsentKind};
use serde_json::json;

use crate::access::Actor;
use crate::accounts::users::{self, NewAccount};
use crate::clients::{self, ClientInput};
use crate::consents::{self, SignInput};
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::intakes;

mod treatment_day;
pub mod volume;

/// The demo's password for every user. Demo data only.
pub const DEMO_PASSWORD: &str = "needlepoint-demo";

pub struct DemoLogin {
    pub email: String,
    pub role: &'static str,
}

const PEOPLE: [(&str, &str, &str, u8); 30] = [
    ("Amelia", "Hart", "1989-03-14", 2),
    ("Jonah", "Reyes", "1984-07-02", 4),
    ("Priya", "Nair", "1992-11-21", 5),
    ("Chloe", "Dubois", "1978-05-09", 1),
    ("Mateo", "Silva", "1995-01-30", 3),
    ("Grace", "Okafor", "1986-09-17", 6),
    ("Hannah", "Becker", "1974-12-03", 2),
    ("Leo", "Marino", "1990-04-25", 3),
    ("Sofia", "Lindqvist", "1982-08-11", 1),
    ("Yuki", "Tanaka", "1993-06-06", 3),
    ("Olivia", "Brennan", "1987-02-19", 2),
    ("Noah", "Haddad", "1980-10-28", 4),
    ("Isla", "McLeod", "1996-03-03", 1),
    ("Aisha", "Bello", "1985-07-14", 5),
    ("Ethan", "Walsh", "1977-01-08", 2),
    ("Mei", "Chen", "1991-12-12", 3),
    ("Lucas", "Moreau", "1983-05-27", 2),
    ("Zara", "Khan", "1994-09-09", 4),
    ("Freya", "Nilsen", "1988-11-01", 1),
    ("Daniel", "Cohen", "1979-04-16", 3),
    ("Lena", "Vogel", "1990-02-22", 2),
    ("Omar", "Farouk", "1986-06-30", 4),
    ("Ruby", "Thompson", "1997-08-08", 2),
    ("Kai", "Nakamura", "1982-03-19", 3),
    ("Elena", "Petrova", "1975-10-10", 2),
    ("Samuel", "Adeyemi", "1989-01-05", 6),
    ("Maya", "Rossi", "1993-07-23", 3),
    ("Tom", "Eriksen", "1981-09-29", 1),
    ("Nadia", "Haddou", "1987-05-15", 4),
    ("Ivy", "Gallagher", "1998-12-24", 2),
];

/// The three logins, one per role: (owner, practitioner, the logins to print).
async fn staff(ctx: &Context) -> AppResult<(Actor, Actor, Vec<DemoLogin>)> {
    let mut logins = Vec::new();
    let mut made = Vec::new();
    for (role, email) in [
        ("owner", "owner@demo.clinic"),
        ("practitioner", "practitioner@demo.clinic"),
        ("front_desk", "frontdesk@demo.clinic"),
    ] {
        let account = NewAccount {
            email: email.into(),
            role: role.into(),
            password: DEMO_PASSWORD.into(),
        };
        made.push(Actor::Staff(
            users::create(ctx, &Actor::Job("demo"), &account).await?,
        ));
        logins.push(DemoLogin {
            email: email.into(),
            role,
        });
    }
    let mut made = made.into_iter();
    match (made.next(), made.next()) {
        (Some(owner), Some(practitioner)) => Ok((owner, practitioner, logins)),
        _ => Err(AppError::NotFound),
    }
}

/// The `kind`th intake of the demo's states (plain, a retinoid deferral, rosacea excluding a
/// zone, the scalp, a referral, a cold-sore precaution): areas, concerns, history, conditions.
fn state_of(kind: usize, today: Date) -> [serde_json::Value; 4] {
    let yesterday = today
        .checked_sub(jiff::Span::new().days(1))
        .map(|d| d.to_string())
        .unwrap_or_default();
    match kind {
        0 => [
            json!(["forehead", "cheeks", "neck"]),
            json!(["fine_lines"]),
            json!({}),
            json!([]),
        ],
        1 => [
            json!(["cheeks", "chin"]),
            json!(["acne_scars"]),
            json!({ "topical_retinoid_last_use": yesterday }),
            json!([]),
        ],
        2 => [
            json!(["forehead", "nose", "cheeks"]),
            json!(["enlarged_pores", "texture_tone"]),
            json!({}),
            json!([{ "condition": "rosacea", "severity": "moderate", "zones": ["cheeks"] }]),
        ],
        3 => [json!(["scalp"]), json!(["hair_loss"]), json!({}), json!([])],
        4 => [
            json!(["decolletage", "neck"]),
            json!(["sun_damage"]),
            json!({ "anticoagulants": true }),
            json!([]),
        ],
        _ => [
            json!(["forehead", "periorbital", "cheeks"]),
            json!(["fine_lines", "texture_tone"]),
            json!({ "hsv_history": true }),
            json!([]),
        ],
    }
}

/// Treatment and photo consent, signed as a client would on the tablet.
async fn consent(ctx: &Context, acting: &Actor, client: &Client) -> AppResult<()> {
    for (kind, scopes) in [
        (ConsentKind::Treatment, vec![]),
        (ConsentKind::Photo, vec!["clinical_record".to_string()]),
    ] {
        let template = consents::current_template(ctx, acting, kind).await?;
        let signature = SignInput {
            kind: Some(kind.name().into()),
            template_id: Some(template.id.to_string()),
            signer_name: Some(client.fields.full_name()),
            scopes,
            signature_path: None,
        };
        consents::sign(ctx, acting, &client.id, &signature).await?;
    }
    Ok(())
}

/// Creates the users and the clients. Returns the logins to print.
pub async fn seed(ctx: &Context) -> AppResult<Vec<DemoLogin>> {
    let (owner, acting, logins) = staff(ctx).await?;
    let mut ready = Vec::new();
    let today = ctx.today().await?;
    for (i, (given, family, born, fitzpatrick)) in PEOPLE.iter().enumerate() {
        let input = ClientInput {
            given_name: Some((*given).into()),
            family_name: Some((*family).into()),
            birth_date: Some((*born).into()),
            email: Some(format!(
                "{}.{}@example.com",
                given.to_lowercase(),
                family.to_lowercase()
            )),
            phone: Some(format!("+44 7700 900{:03}", 100 + i)),
        };
        let client = clients::create(ctx, &acting, &input).await?;
        // Five clients stay new; the rest get an intake showing one state each.
        if i < 5 {
            continue;
        }
        let [areas, concerns, history, conditions] = state_of(i % 6, today);
        let body = json!({
            "date": today.to_string(),
            "client": { "birth_date": born, "fitzpatrick": fitzpatrick },
            "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 },
            "areas": areas,
            "concerns": concerns,
            "history": history,
            "conditions": conditions,
        });
        let (_, plan) = intakes::create(ctx, &acting, &client.id, &body).await?;
        // Consent for about half of those who may proceed.
        if plan.screening.decision.allows_treatment() && i % 2 == 0 {
            consent(ctx, &acting, &client).await?;
            ready.push(client.id.clone());
        }
    }
    treatment_day::seed(ctx, &owner, &acting, &ready).await?;
    Ok(logins)
}
