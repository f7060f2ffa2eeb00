//! A laptop's own key pair, and space keys wrapped from one laptop to
//! another (crypto_box: X25519 and XChaCha20-Poly1305, as libsodium's
//! `crypto_box_curve25519xchacha20poly1305`). A wrapped key is
//! authenticated: it opens only with the recipient's secret key and the
//! sender's public key, so a laptop knows who handed it a key.

use crypto_box::aead::Aead;
use crypto_box::{ChaChaBox, PublicKey, SecretKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{CoreError, Result};
use crate::sync::SpaceKey;

fn sync_err(e: impl std::fmt::Display) -> CoreError {
    CoreError::Sync(e.to_string())
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(sync_err)?;
    Ok(b)
}

/// A laptop's key pair.
pub struct LaptopKey(SecretKey);

impl LaptopKey {
    pub fn generate() -> Result<LaptopKey> {
        let bytes = Zeroizing::new(random::<32>()?);
        Ok(LaptopKey(SecretKey::from(*bytes)))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<LaptopKey> {
        let b: [u8; 32] = bytes
            .try_into()
            .map_err(|_| sync_err("this laptop's team key is damaged"))?;
        Ok(LaptopKey(SecretKey::from(b)))
    }

    pub fn secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The public key, as 64 hex digits.
    pub fn public_hex(&self) -> String {
        data_encoding::HEXLOWER.encode(self.0.public_key().as_bytes())
    }
}

pub fn public_from_hex(hex: &str) -> Result<PublicKey> {
    let bytes = data_encoding::HEXLOWER_PERMISSIVE
        .decode(hex.as_bytes())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| sync_err("a laptop's public key is damaged"))?;
    Ok(PublicKey::from(bytes))
}

/// The short code a laptop shows when it asks to join, and the office
/// reads back before accepting it: two groups of four letters and digits
/// (no 0/O or 1/I), from a hash of the team, the laptop and its public key.
/// A request file swapped on the way gives another code.
pub fn join_code(team_id: &str, device: &str, public_key_hex: &str) -> String {
    let mut h = blake3::Hasher::new_derive_key("refrain team join code v1");
    for part in [team_id, device, public_key_hex] {
        h.update(&(part.len() as u32).to_be_bytes());
        h.update(part.as_bytes());
    }
    let digest = h.finalize();
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let code: String = digest.as_bytes()[..8]
        .iter()
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &code[..4], &code[4..])
}

/// Whether a code typed by someone matches: case, spaces and dashes aside.
pub fn same_code(typed: &str, code: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect()
    };
    !norm(typed).is_empty() && norm(typed) == norm(code)
}

/// A space's key wrapped from one laptop to another: the file
/// `<folder>/<space>/keys/<to>-<generation>.key`.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct WrappedKey {
    pub format: String,
    pub team: String,
    pub space: String,
    pub generation: u32,
    pub to: String,
    pub from: String,
    pub from_public_key: String,
    pub nonce: String,
    pub sealed: String,
}

pub const WRAPPED_KEY_FORMAT: &str = "refrain-space-key/1";
pub const NOTICE_FORMAT: &str = "refrain-removed/1";

fn aad(parts: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(&(p.len() as u32).to_be_bytes());
        out.extend_from_slice(p.as_bytes());
    }
    out
}

// crypto_box takes no associated data (as libsodium's box): the facts the
// box is bound to go inside it as their hash, checked on opening.
fn seal(
    from: &LaptopKey,
    to_public: &PublicKey,
    aad: &[u8],
    msg: &[u8],
) -> Result<(String, String)> {
    let nonce = random::<24>()?;
    let mut plain = Zeroizing::new(blake3::hash(aad).as_bytes().to_vec());
    plain.extend_from_slice(msg);
    let sealed = ChaChaBox::new(to_public, &from.0)
        .encrypt(nonce[..].into(), &plain[..])
        .map_err(|_| sync_err("a key could not be wrapped"))?;
    Ok((
        data_encoding::HEXLOWER.encode(&nonce),
        data_encoding::HEXLOWER.encode(&sealed),
    ))
}

fn open(
    me: &LaptopKey,
    from_public: &PublicKey,
    aad: &[u8],
    nonce: &str,
    sealed: &str,
) -> Option<Zeroizing<Vec<u8>>> {
    let nonce = data_encoding::HEXLOWER.decode(nonce.as_bytes()).ok()?;
    if nonce.len() != 24 {
        return None;
    }
    let sealed = data_encoding::HEXLOWER.decode(sealed.as_bytes()).ok()?;
    let plain = Zeroizing::new(
        ChaChaBox::new(from_public, &me.0)
            .decrypt(nonce[..].into(), &sealed[..])
            .ok()?,
    );
    let bound = blake3::hash(aad);
    if plain.len() < 32 || plain[..32] != bound.as_bytes()[..] {
        return None;
    }
    Some(Zeroizing::new(plain[32..].to_vec()))
}

impl WrappedKey {
    fn aad(&self) -> Vec<u8> {
        let generation = self.generation.to_string();
        aad(&[
            &self.format,
            &self.team,
            &self.space,
            &generation,
            &self.to,
            &self.from,
        ])
    }

    pub fn wrap(
        team: &str,
        space: &str,
        key: &SpaceKey,
        from_device: &str,
        from: &LaptopKey,
        to_device: &str,
        to_public_hex: &str,
    ) -> Result<WrappedKey> {
        let mut w = WrappedKey {
            format: WRAPPED_KEY_FORMAT.into(),
            team: team.into(),
            space: space.into(),
            generation: key.generation(),
            to: to_device.into(),
            from: from_device.into(),
            from_public_key: from.public_hex(),
            nonce: String::new(),
            sealed: String::new(),
        };
        let (nonce, sealed) = seal(
            from,
            &public_from_hex(to_public_hex)?,
            &w.aad(),
            key.bytes(),
        )?;
        w.nonce = nonce;
        w.sealed = sealed;
        Ok(w)
    }

    /// The key, if it was wrapped to `me` by the holder of `from_public_hex`
    /// and nothing in it was changed.
    pub fn unwrap(&self, me: &LaptopKey, from_public_hex: &str) -> Option<SpaceKey> {
        if self.format != WRAPPED_KEY_FORMAT || self.generation == 0 {
            return None;
        }
        let from = public_from_hex(from_public_hex).ok()?;
        let plain = open(me, &from, &self.aad(), &self.nonce, &self.sealed)?;
        SpaceKey::from_bytes(&plain, self.generation).ok()
    }
}

/// The office's word to a laptop that it was removed from the team:
/// `<folder>/team/removed/<device>.notice`, authenticated from the office's
/// key to the removed laptop's.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct RemovalNotice {
    pub format: String,
    pub team: String,
    pub device: String,
    pub removed_at: String,
    pub nonce: String,
    pub sealed: String,
}

impl RemovalNotice {
    fn aad(&self) -> Vec<u8> {
        aad(&[&self.format, &self.team, &self.device, &self.removed_at])
    }

    pub fn make(
        team: &str,
        device: &str,
        removed_at: &str,
        office: &LaptopKey,
        to_public_hex: &str,
    ) -> Result<RemovalNotice> {
        let mut n = RemovalNotice {
            format: NOTICE_FORMAT.into(),
            team: team.into(),
            device: device.into(),
            removed_at: removed_at.into(),
            nonce: String::new(),
            sealed: String::new(),
        };
        let (nonce, sealed) = seal(
            office,
            &public_from_hex(to_public_hex)?,
            &n.aad(),
            b"removed",
        )?;
        n.nonce = nonce;
        n.sealed = sealed;
        Ok(n)
    }

    /// Whether the notice really comes from the office and is for `me`.
    pub fn verify(&self, me: &LaptopKey, office_public_hex: &str) -> bool {
        let Ok(office) = public_from_hex(office_public_hex) else {
            return false;
        };
        self.format == NOTICE_FORMAT
            && open(me, &office, &self.aad(), &self.nonce, &self.sealed)
                .is_some_and(|p| p.as_slice() == b"removed")
    }
}
