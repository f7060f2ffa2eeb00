//! The practice's groups as an Open Referral UK listing, for a social
//! prescribing directory: each group running now is a *service* of the
//! practice (its *organization*), at its venue (a *location*, through a
//! *service_at_location*), on its weekly day and times (a *schedule*), with
//! the practice as its *contact*. Only what the UK profile defines is
//! written, and nothing about any person who comes.
//!
//! The file is a JSON array of full service objects, as the profile's
//! service schema nests them. The profile asks for a web address (`url`) on
//! a service, its schedule, its contact and its location, so the practice's
//! website is needed: without one the export is refused, not written
//! incomplete. Times carry the UK's offset from UTC, as the schema asks.

use chrono::{Datelike, NaiveDate, Weekday as ChronoWeekday};
use serde_json::{json, Map, Value};

use crate::error::{CoreError, Result};
use crate::model::{DirectoryListing, Group, Venue, Weekday};

/// Where the schema was read (its copies, with their commits, are kept
/// with the tests that check the export against them).
pub const SCHEMA_SOURCE: &str = "Open Referral UK, UK profile of HSDS 3.0: \
     schema/service.json and the files it refers to, in \
     github.com/OpenReferralUK/uk-profile";

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

fn location(l: &DirectoryListing, v: &Venue) -> Value {
    let mut loc = Map::new();
    loc.insert("id".into(), json!(v.id));
    loc.insert("location_type".into(), json!("physical"));
    loc.insert("name".into(), json!(v.name));
    put(&mut loc, "url", &l.practice.website);
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

/// The last Sunday of a month.
fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("a real month");
    let mut d = next.pred_opt().expect("a real date");
    while d.weekday() != ChronoWeekday::Sun {
        d = d.pred_opt().expect("a real date");
    }
    d
}

/// The UK's offset from UTC on a date, as the schema writes it after a
/// time: British Summer Time (`+01:00`) from the last Sunday of March to
/// the last Sunday of October, Greenwich Mean Time (`+00:00`) otherwise.
/// The clocks change at 01:00 UTC, before any group meets, so the day of a
/// change already has the new offset.
pub fn uk_offset(on: NaiveDate) -> &'static str {
    let y = on.year();
    if on >= last_sunday(y, 3) && on < last_sunday(y, 10) {
        "+01:00"
    } else {
        "+00:00"
    }
}

fn schedule(l: &DirectoryListing, g: &Group, on: NaiveDate) -> Option<Value> {
    let (code, days) = byday(g.weekday?);
    let mut s = Map::new();
    s.insert("id".into(), json!(derived_id("schedule", &g.id)));
    s.insert("service_id".into(), json!(g.id));
    s.insert("freq".into(), json!("WEEKLY"));
    s.insert("interval".into(), json!(1));
    s.insert("byday".into(), json!(code));
    put(&mut s, "url", &l.practice.website);
    // The offset in force on the day of the listing: a directory that
    // refreshes its copy follows the clocks.
    let offset = uk_offset(on);
    let mut words = days.to_string();
    if let (Some(start), Some(end)) = (&g.start_time, &g.end_time) {
        s.insert("opens_at".into(), json!(format!("{start}{offset}")));
        s.insert("closes_at".into(), json!(format!("{end}{offset}")));
        words = format!("{days}, {start} to {end} (UK time)");
    } else if let Some(start) = &g.start_time {
        s.insert("opens_at".into(), json!(format!("{start}{offset}")));
        words = format!("{days} from {start} (UK time)");
    }
    s.insert("description".into(), json!(words));
    s.insert("attending_type".into(), json!("In person"));
    Some(Value::Object(s))
}

/// Who a group is for, in words: its own words, then its ages.
fn who_it_is_for(g: &Group) -> String {
    let ages = match (g.minimum_age, g.maximum_age) {
        (Some(lo), Some(hi)) => format!("Ages {lo} to {hi}."),
        (Some(lo), None) => format!("Ages {lo} and over."),
        (None, Some(hi)) => format!("Ages up to {hi}."),
        (None, None) => String::new(),
    };
    let words = g.eligibility.trim();
    match (words.is_empty(), ages.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!("Who it is for: {words}"),
        (true, false) => format!("Who it is for: {ages}"),
        (false, false) => format!("Who it is for: {words} {ages}"),
    }
}

fn service(l: &DirectoryListing, g: &Group, on: NaiveDate) -> Value {
    let p = &l.practice;
    let mut s = Map::new();
    s.insert("id".into(), json!(g.id));
    s.insert("organization_id".into(), json!(l.organization_id));
    s.insert("name".into(), json!(g.name));
    // The UK profile has no field for eligibility in words, so it leads
    // the description; the ages have their own fields.
    let description: Vec<String> = [
        g.description.trim().to_string(),
        who_it_is_for(g),
        how_to_join(l),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect();
    s.insert("description".into(), json!(description.join("\n\n")));
    put(&mut s, "url", &p.website);
    put(&mut s, "email", &p.email);
    if let Some(age) = g.minimum_age {
        s.insert("minimum_age".into(), json!(age));
    }
    if let Some(age) = g.maximum_age {
        s.insert("maximum_age".into(), json!(age));
    }
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
                "location": location(l, v),
            }]),
        );
    }
    if let Some(sched) = schedule(l, g, on) {
        s.insert("schedules".into(), json!([sched]));
    }
    s.insert(
        "contacts".into(),
        json!([{
            "id": derived_id("contact", &g.id),
            "service_id": g.id,
            "name": p.name,
            "url": p.website,
        }]),
    );
    Value::Object(s)
}

/// Every service in the listing as it stands on `on` (the day sets the
/// UK's offset on its times), as JSON values. Refused without the
/// practice's website, which the profile requires.
pub fn services(l: &DirectoryListing, on: NaiveDate) -> Result<Vec<Value>> {
    if l.practice.website.trim().is_empty() {
        return Err(CoreError::invalid(
            "website",
            "A directory listing needs the practice's website (Open Referral UK asks every \
             service for a web address): add it under \"Practice details\" first.",
        ));
    }
    Ok(l.groups.iter().map(|g| service(l, g, on)).collect())
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
    if l.practice.website.trim().is_empty() {
        out.push(
            "The practice has no website: a directory listing needs one, so add it under \
             \"Practice details\" before saving the listing."
                .into(),
        );
    }
    out
}

pub fn to_json(l: &DirectoryListing) -> Result<Vec<u8>> {
    let services = services(l, crate::store::today())?;
    let mut out = serde_json::to_vec_pretty(&Value::Array(services)).map_err(|e| {
        crate::error::CoreError::Report(format!("the JSON file could not be made ({e})"))
    })?;
    out.push(b'\n');
    Ok(out)
}
