//! What travels: whole row images with a clock per column. A change to a row
//! carries every column of the row, each with the clock of its last change,
//! so applying images is a join (per column, the later clock wins): the same
//! result whatever order files arrive in, however often, and a row whose
//! first file comes late still merges.

use rusqlite::types::{ToSql, ToSqlOutput, Value, ValueRef};
use serde::{Deserialize, Serialize};

/// One SQLite value, exactly (an integer stays an integer). Written as the
/// plain JSON value (a blob as an array of bytes); read back by its JSON
/// type directly (serde's untagged enums would try each variant in turn,
/// which costs a formatted error per value in a snapshot's million rows).
#[derive(Serialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl<'de> Deserialize<'de> for Val {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Val, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Val;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a SQLite value")
            }
            fn visit_unit<E>(self) -> Result<Val, E> {
                Ok(Val::Null)
            }
            fn visit_none<E>(self) -> Result<Val, E> {
                Ok(Val::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Val, E> {
                Ok(Val::Int(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Val, E> {
                Ok(Val::Int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Val, E> {
                i64::try_from(v)
                    .map(Val::Int)
                    .map_err(|_| E::custom("an integer too large for SQLite"))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Val, E> {
                Ok(Val::Real(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Val, E> {
                Ok(Val::Text(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Val, E> {
                Ok(Val::Text(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Val, A::Error> {
                let mut bytes = Vec::new();
                while let Some(b) = seq.next_element::<u8>()? {
                    bytes.push(b);
                }
                Ok(Val::Blob(bytes))
            }
        }
        d.deserialize_any(V)
    }
}

impl ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Val::Null => ValueRef::Null,
            Val::Int(i) => ValueRef::Integer(*i),
            Val::Real(r) => ValueRef::Real(*r),
            Val::Text(t) => ValueRef::Text(t.as_bytes()),
            Val::Blob(b) => ValueRef::Blob(b),
        }))
    }
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

#[cfg(test)]
mod tests {
    use super::Val;

    #[test]
    fn values_read_back_exactly() {
        let vals = vec![
            Val::Null,
            Val::Int(-7),
            Val::Int(i64::MAX),
            Val::Real(1.5),
            Val::Real(2.0),
            Val::Text("Daisy Bell".into()),
            Val::Blob(vec![0, 255, 3]),
        ];
        let json = serde_json::to_string(&vals).unwrap();
        let back: Vec<Val> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, vals, "{json}");
    }
}
