//! Syncthing device IDs: the SHA-256 of a device's certificate, in base32,
//! each quarter followed by a Luhn mod 32 check character, shown in groups
//! of seven (`MFZWI3D-BONSGYC-...`).

use std::fmt;
use std::path::Path;

use data_encoding::{BASE32_NOPAD, BASE64};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::CarrierError;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A device ID, checked and in Syncthing's canonical form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeviceId(String);

impl DeviceId {
    /// The ID of the device whose certificate is `der` (DER bytes).
    pub fn from_certificate(der: &[u8]) -> DeviceId {
        let digest = Sha256::digest(der);
        let plain = BASE32_NOPAD.encode(&digest); // 52 characters
        let mut with_checks = String::with_capacity(56);
        for quarter in plain.as_bytes().chunks(13) {
            let q = std::str::from_utf8(quarter).expect("base32 is ASCII");
            with_checks.push_str(q);
            with_checks.push(luhn32(q).expect("base32 alphabet"));
        }
        DeviceId(group(&with_checks))
    }

    /// The ID of the device whose certificate is the PEM file `cert.pem`.
    pub fn from_pem_file(path: &Path) -> Result<DeviceId, CarrierError> {
        let text = std::fs::read_to_string(path)?;
        let der = pem_certificate(&text).ok_or_else(|| {
            CarrierError::Syncthing(format!(
                "the certificate {} is not a PEM certificate",
                path.display()
            ))
        })?;
        Ok(DeviceId::from_certificate(&der))
    }

    /// Reads an ID as people and Syncthing write it: upper or lower case,
    /// with or without dashes or spaces. Its check characters must hold.
    pub fn parse(text: &str) -> Result<DeviceId, CarrierError> {
        let bad = |why: &str| {
            CarrierError::BadPlan(format!("\"{text}\" is not a Syncthing device ID: {why}"))
        };
        let compact: String = text
            .chars()
            .filter(|c| *c != '-' && *c != ' ')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.len() != 56 {
            return Err(bad("it must have 56 letters and digits"));
        }
        for quarter in compact.as_bytes().chunks(14) {
            let (body, check) = quarter.split_at(13);
            let body = std::str::from_utf8(body)
                .map_err(|_| bad("it holds a character that is not a letter or digit"))?;
            let want =
                luhn32(body).ok_or_else(|| bad("it holds a character Syncthing never uses"))?;
            if check[0] as char != want {
                return Err(bad("a check character is wrong (a mistyped character?)"));
            }
        }
        Ok(DeviceId(group(&compact)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for DeviceId {
    type Error = CarrierError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        DeviceId::parse(&s)
    }
}

impl From<DeviceId> for String {
    fn from(d: DeviceId) -> String {
        d.0
    }
}

fn group(s: &str) -> String {
    s.as_bytes()
        .chunks(7)
        .map(|c| std::str::from_utf8(c).expect("ASCII"))
        .collect::<Vec<_>>()
        .join("-")
}

/// Syncthing's Luhn mod 32 check character over the base32 alphabet.
fn luhn32(s: &str) -> Option<char> {
    let mut factor = 1;
    let mut sum = 0;
    for b in s.bytes() {
        let code = ALPHABET.iter().position(|a| *a == b)?;
        let addend = factor * code;
        factor = if factor == 2 { 1 } else { 2 };
        sum += addend / 32 + addend % 32;
    }
    let check = (32 - sum % 32) % 32;
    Some(ALPHABET[check] as char)
}

/// The DER bytes of the first certificate in a PEM text.
fn pem_certificate(text: &str) -> Option<Vec<u8>> {
    let start = text.find("-----BEGIN CERTIFICATE-----")? + "-----BEGIN CERTIFICATE-----".len();
    let end = start + text[start..].find("-----END CERTIFICATE-----")?;
    let body: String = text[start..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    BASE64.decode(body.as_bytes()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // An ID Syncthing 1.19 printed for a certificate it generated.
    const REAL: &str = "42DPVI5-GCZ3E5L-XYWYZTY-BWRLR7R-XP23Z2I-4XY65SY-2YG3V5K-X2N3FQG";

    #[test]
    fn parses_real_ids_in_any_spelling_and_refuses_mistypes() {
        assert_eq!(DeviceId::parse(REAL).unwrap().as_str(), REAL);
        let sloppy = REAL.replace('-', " ").to_lowercase();
        assert_eq!(DeviceId::parse(&sloppy).unwrap().as_str(), REAL);
        // One character changed: the check character catches it.
        let typo = REAL.replacen("GCZ3E5L", "GCZ3E6L", 1);
        let err = DeviceId::parse(&typo).unwrap_err().to_string();
        assert!(err.contains("check character"), "{err}");
        assert!(DeviceId::parse("ABC").is_err());
        assert!(DeviceId::parse(&REAL.replace('4', "1")).is_err());
    }
}
