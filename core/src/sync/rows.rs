//! What travels: whole row images with a clock per column. A change to a row
//! carries every column of the row, each with the clock of its last change,
//! so applying images is a join (per column, the later clock wins): the same
//! result whatever order files arrive in, however often, and a row whose
//! first file comes late still merges.

use rusqlite::types::{Value, ValueRef};
use serde::{Deserialize, Serialize};

/// One SQLite value, exactly (an integer stays an integer).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Val {
    pub fn from_ref(v: ValueRef<'_>) -> Val {
        match v {
            ValueRef::Null => Val::Null,
            ValueRef::Integer(i) => Val::Int(i),
            ValueRef::Real(r) => Val::Real(r),
            ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Val::Blob(b.to_vec()),
        }
    }

    pub fn to_value(&self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Int(i) => Value::Integer(*i),
            Val::Real(r) => Value::Real(*r),
            Val::Text(t) => Value::Text(t.clone()),
            Val::Blob(b) => Value::Blob(b.clone()),
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Val::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// A row's image: its table, primary key, the person it is about (for the
/// erasure rule), and either its columns or the clock it was deleted at.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct RowImage {
    pub t: String,
    pub k: Vec<Val>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub del: Option<String>,
    /// (column, value, clock); an empty clock: not changed since sharing began.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub c: Vec<(String, Val, String)>,
}

impl RowImage {
    /// The primary key as stored in the clock tables.
    pub fn pk_text(&self) -> String {
        pk_text(&self.k)
    }

    pub fn col(&self, name: &str) -> Option<&Val> {
        self.c.iter().find(|(c, _, _)| c == name).map(|(_, v, _)| v)
    }

    /// The latest clock of any column (or the deletion).
    pub fn top_clock(&self) -> &str {
        self.c
            .iter()
            .map(|(_, _, h)| h.as_str())
            .chain(self.del.as_deref())
            .max()
            .unwrap_or("")
    }
}

pub fn pk_text(k: &[Val]) -> String {
    serde_json::to_string(k).unwrap_or_default()
}

/// One transaction's rows for one space, with its clock and who made it.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Entry {
    pub hlc: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Set when this transaction erased a person: the entry carries the
    /// erasure, the anonymous record and every membership as the eraser left
    /// them, and every laptop makes its copy match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erases: Option<String>,
    pub rows: Vec<RowImage>,
}
