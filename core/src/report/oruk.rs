//! The practice's groups as an Open Referral UK listing, for a social
//! prescribing directory: each group running now is a *service* of the
//! practice (its *organization*), at its venue (a *location*, through a
//! *service_at_location*), on its weekly day and times (a *schedule*), with
//! the practice as its *contact*. Only what the UK profile defines is
//! written, and nothing about any person who comes.
//!
//! The file is a JSON array of full service objects, as the profile's
//! service schema nests them.

use serde_json::{json, Map, Value};

use crate::error::Result;
use crate::model::{DirectoryListing, Group, Venue, Weekday};

/// Where the required fields below were read.
pub const SCHEMA_SOURCE: &str = "Open Referral UK, UK profile of HSDS 3.0: \
     schema/compiled/service.json in github.com/OpenReferralUK/uk-profile \
     (commit 566ddb69fcb980e5a19e948b06d58ec362bebcb0)";

/// Each object the export writes, with the fields the UK profile's schema
/// marks required for it (its `required` lists, as read at
/// [`SCHEMA_SOURCE`]). Every one is written, never empty.
pub const REQUIRED: &[(&str, &[&str])] = &[
    ("service", &["id", "name", "status"]),
    ("organization", &["id", "name", "description"]),
    ("service_at_location", &["id"]),
    ("location", &["id"]),
    ("schedule", &["id"]),
    ("contact", &["id"]),
];

/// The values the schema allows for a service's `status`.
pub const SERVICE_STATUSES: &[&str] = &["active", "inactive", "defunct", "temporarily closed"];
/// The values the schema allows for a schedule's `freq`.
pub const SCHEDULE_FREQUENCIES: &[&str] = &["WEEKLY", "MONTHLY"];

/// A stable UUID for a part of a listing that Refrain keeps no row for (a
/// group's schedule, its place at its venue, its contact): derived from
/// what it belongs to, so every export names it the same.
fn derived_id(kind: &str, of: &str) -> String {
    let hash = blake3::hash(format!("refrain oruk {kind} {of}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash.as_bytes()[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

fn byday(d: Weekday) -> (&'static str, &'static str) {
    match d {
        Weekday::Monday => ("MO", "Mondays"),
        Weekday::Tuesday => ("TU", "Tuesdays"),
        Weekday::Wednesday => ("WE", "Wednesdays"),
        Weekday::Thursday => ("TH", "Thursdays"),
        Weekday::Friday => ("FR", "Fridays"),
        Weekday::Saturday => ("SA", "Saturdays"),
        Weekday::Sunday => ("SU", "Sundays"),
    }
}

/// Puts `value` under `key` only when it says something.
fn put(obj: &mut Map<String, Value>, key: &str, value: &str) {
    if !value.trim().is_empty() {
        obj.insert(key.into(), Value::String(value.trim().to_string()));
    }
}

fn organization(l: &DirectoryListing) -> Value {
    let p = &l.practice;
    let description = if p.description.trim().is_empty() {
        format!("{}: music therapy groups.", p.name)
    } else {
        p.description.clone()
    };
    let mut o = Map::new();
    o.insert("id".into(), json!(l.organization_id));
    o.insert("name".into(), json!(p.name));
    o.insert("description".into(), json!(description));
    put(&mut o, "email", &p.email);
    put(&mut o, "website", &p.website);
    Value::Object(o)
}

/// How to join, in words: the groups take referrals, and the practice can
/// be asked directly.
fn how_to_join(l: &DirectoryListing) -> String {
    let p = &l.practice;
    let ways: Vec<String> = [
        (!p.phone.is_empty()).then(|| format!("phone {}", p.phone)),
        (!p.email.is_empty()).then(|| format!("email {}", p.email)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if ways.is_empty() {
        "Join by referral (for example from a social prescribing link worker).".into()
    } else {
        format!(
            "Join by referral (for example from a social prescribing link worker), or ask the practice: {}.",
            ways.join(" or ")
        )
    }
}

fn location(v: &Venue) -> Value {
    let mut loc = Map::new();
    loc.insert("id".into(), json!(v.id));
    loc.insert("name".into(), json!(v.name));
    // The UK profile's address needs its parts apart (street, city,
    // postcode, country); a venue's address is one piece of text, so it
    // goes in the description with the access notes.
    let description: Vec<&str> = [v.address.trim(), v.access_notes.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    put(&mut loc, "description", &description.join(". "));
    Value::Object(loc)
}

fn schedule(g: &Group) -> Option<Value> {
    let (code, days) = byday(g.weekday?);
    let mut s = Map::new();
    s.insert("id".into(), json!(derived_id("schedule", &g.id)));
    s.insert("service_id".into(), json!(g.id));
    s.insert("freq".into(), json!("WEEKLY"));
    s.insert("interval".into(), json!(1));
    s.insert("byday".into(), json!(code));
    let mut words = days.to_string();
    if let (Some(start), Some(end)) = (&g.start_time, &g.end_time) {
        s.insert("opens_at".into(), json!(start));
        s.insert("closes_at".into(), json!(end));
        words = format!("{days}, {start} to {end} (UK time)");
    } else if let Some(start) = &g.start_time {
        s.insert("opens_at".into(), json!(start));
        words = format!("{days} from {start} (UK time)");
    }
    s.insert("description".into(), json!(words));
    s.insert("attending_type".into(), json!("In person"));
    Some(Value::Object(s))
}

fn service(l: &DirectoryListing, g: &Group) -> Value {
    let p = &l.practice;
    let mut s = Map::new();
    s.insert("id".into(), json!(g.id));
    s.insert("organization_id".into(), json!(l.organization_id));
    s.insert("name".into(), json!(g.name));
    let description: Vec<String> = [g.description.trim().to_string(), how_to_join(l)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    s.insert("description".into(), json!(description.join("\n\n")));
    put(&mut s, "url", &p.website);
    put(&mut s, "email", &p.email);
    s.insert("status".into(), json!("active"));
    s.insert("last_modified".into(), json!(g.updated_at));
    s.insert("organization".into(), organization(l));
    let venue = g
        .venue_id
        .as_ref()
        .and_then(|id| l.venues.iter().find(|v| &v.id == id));
    if let Some(v) = venue {
        s.insert(
            "service_at_locations".into(),
            json!([{
                "id": derived_id("service_at_location", &g.id),
                "service_id": g.id,
                "location_id": v.id,
                "location": location(v),
            }]),
        );
    }
    if let Some(sched) = schedule(g) {
        s.insert("schedules".into(), json!([sched]));
    }
    s.insert(
        "contacts".into(),
        json!([{
            "id": derived_id("contact", &g.id),
            "service_id": g.id,
            "name": p.name,
        }]),
    );
    Value::Object(s)
}

/// Every service in the listing, as JSON values.
pub fn services(l: &DirectoryListing) -> Vec<Value> {
    l.groups.iter().map(|g| service(l, g)).collect()
}

/// What a directory may need to know that the listing cannot say, in
/// words: a group with no venue or no weekly day is still listed, without
/// a place or a schedule.
pub fn gaps(l: &DirectoryListing) -> Vec<String> {
    let mut out = Vec::new();
    for g in &l.groups {
        if g.venue_id.is_none() {
            out.push(format!(
                "{} has no venue, so it is listed without a place.",
                g.name
            ));
        }
        if g.weekday.is_none() {
            out.push(format!(
                "{} has no weekly day, so it is listed without a schedule.",
                g.name
            ));
        }
    }
    if l.practice.website.is_empty() {
        out.push("The practice has no website, so the services have no web address.".into());
    }
    out
}

pub fn to_json(l: &DirectoryListing) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(&Value::Array(services(l))).map_err(|e| {
        crate::error::CoreError::Report(format!("the JSON file could not be made ({e})"))
    })?;
    out.push(b'\n');
    Ok(out)
}
