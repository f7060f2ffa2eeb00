//! The practice's public details (its name, a line about it, email, phone,
//! website), kept as practice settings, and what the Open Referral UK
//! export reads: those details and the groups running now, with their
//! venues. Nothing about a person is read here.

use rusqlite::Connection;

use super::referrals::{put_setting, setting};
use super::sql::new_id;
use super::Store;
use crate::error::{CoreError, Result};
use crate::model::{DirectoryListing, PracticeDetails};
use crate::validate;

const NAME: &str = "practice_name";
const DESCRIPTION: &str = "practice_description";
const EMAIL: &str = "practice_email";
const PHONE: &str = "practice_phone";
const WEBSITE: &str = "practice_website";
/// The practice's own id (a UUID) in a directory, made when its details are
/// first saved and never changed, so a directory keeps one record for it.
const ID: &str = "practice_id";

pub(crate) fn details(conn: &Connection) -> Result<PracticeDetails> {
    let get = |k| setting(conn, k).map(Option::unwrap_or_default);
    Ok(PracticeDetails {
        name: get(NAME)?,
        description: get(DESCRIPTION)?,
        email: get(EMAIL)?,
        phone: get(PHONE)?,
        website: get(WEBSITE)?,
    })
}

/// An email address as saved: empty, or something@somewhere without spaces.
fn clean_email(value: &str) -> Result<String> {
    let email = validate::short_text("email", "the email address", value)?;
    let ok = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        }
        None => false,
    };
    if !email.is_empty() && (!ok || email.contains(char::is_whitespace)) {
        return Err(CoreError::invalid(
            "email",
            "That doesn't look like an email address (for example hello@example.org).",
        ));
    }
    Ok(email)
}

/// A website as saved: empty, or a whole http(s) address ("www.x.org" gains
/// "https://").
fn clean_website(value: &str) -> Result<String> {
    let site = validate::short_text("website", "the website", value)?;
    if site.is_empty() {
        return Ok(site);
    }
    let full = if site.contains("://") {
        site.clone()
    } else {
        format!("https://{site}")
    };
    match url::Url::parse(&full) {
        Ok(u)
            if matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| h.contains('.')) =>
        {
            Ok(u.to_string())
        }
        _ => Err(CoreError::invalid(
            "website",
            "That doesn't look like a website address (for example https://example.org).",
        )),
    }
}

/// A phone number as saved: empty, or digits with spaces, brackets, dashes
/// and a leading +.
fn clean_phone(value: &str) -> Result<String> {
    let phone = validate::short_text("phone", "the phone number", value)?;
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " ()-+".contains(c));
    if !phone.is_empty() && (!allowed || digits < 6) {
        return Err(CoreError::invalid(
            "phone",
            "Give a phone number in digits (for example 01234 567890).",
        ));
    }
    Ok(phone)
}

pub(crate) fn set_details(conn: &Connection, input: &PracticeDetails) -> Result<PracticeDetails> {
    let clean = PracticeDetails {
        name: validate::short_text("name", "the practice's name", &input.name)?,
        description: validate::long_text("description", "the description", &input.description)?,
        email: clean_email(&input.email)?,
        phone: clean_phone(&input.phone)?,
        website: clean_website(&input.website)?,
    };
    put_setting(conn, NAME, &clean.name)?;
    put_setting(conn, DESCRIPTION, &clean.description)?;
    put_setting(conn, EMAIL, &clean.email)?;
    put_setting(conn, PHONE, &clean.phone)?;
    put_setting(conn, WEBSITE, &clean.website)?;
    if setting(conn, ID)?.is_none() {
        put_setting(conn, ID, &new_id())?;
    }
    details(conn)
}

impl Store {
    /// The practice's public details (empty where none were given).
    pub fn practice_details(&self) -> Result<PracticeDetails> {
        details(self.conn())
    }

    /// Changes the practice's public details; a bad email, phone or website
    /// is refused by its field and nothing is saved.
    pub fn set_practice_details(&mut self, input: &PracticeDetails) -> Result<PracticeDetails> {
        self.write(|tx| set_details(tx, input))
    }

    /// What the Open Referral UK export lists: the practice and its groups
    /// running now (not archived), with their venues. Refused, with what to
    /// do, when the practice has no name or no group runs.
    pub fn directory_listing(&self) -> Result<DirectoryListing> {
        let conn = self.conn();
        let practice = details(conn)?;
        let organization_id = setting(conn, ID)?;
        let organization_id = match organization_id {
            Some(id) if !practice.name.is_empty() => id,
            _ => return Err(CoreError::invalid(
                "practice",
                "A directory needs the practice's name: add it under \"Practice details\" first.",
            )),
        };
        let groups = self.list_groups(false)?;
        if groups.is_empty() {
            return Err(CoreError::invalid(
                "groups",
                "There are no groups running to list: add a group first.",
            ));
        }
        let venues = self.list_venues(true)?;
        Ok(DirectoryListing {
            organization_id,
            practice,
            groups,
            venues,
            stamp: self.report_stamp(),
        })
    }
}
