//! Change files and snapshots on disk: a space's rows, compressed, then
//! encrypted and authenticated with the space's key (XChaCha20-Poly1305).
//! Whatever carries them (a hub, a cloud drive, a USB stick) sees only the
//! ciphertext, its size and the file's name:
//! `<folder>/<space>/<device>/<clock>.rfc` (changes) or `.rfs` (a snapshot).
//! One device writes each folder and never rewrites a file, so no two
//! laptops ever write the same name.
//!
//! The layout: `REFRAIN-SYNC` (12 bytes), the format (1 byte), the schema
//! version that wrote it (4 bytes, big-endian), the generation of the
//! space's key that sealed it (4 bytes, big-endian; a space's key is
//! replaced by a new generation when a laptop leaves), a 24-byte nonce, then
//! the ciphertext. Format 1, without the generation, was sealed with the
//! first. The header, the space, the device and the file's name are
//! authenticated with it, so a file that is truncated, altered, forged,
//! renamed or copied into another space's folder does not open.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::rows::Entry;
use crate::error::{CoreError, Result};

const MAGIC: &[u8; 12] = b"REFRAIN-SYNC";
const FORMAT: u8 = 2;
const HEADER: usize = 12 + 1 + 4 + 4 + 24;
const HEADER_V1: usize = 12 + 1 + 4 + 24;

/// The file extension of a change file.
pub const CHANGES: &str = "rfc";
/// The file extension of a snapshot.
pub const SNAPSHOT: &str = "rfs";

/// A space's key: 32 random bytes and its generation (1 for the space's
/// first key; each replacement, when a laptop leaves, is the next). Kept in
/// a key file out of the data it protects, or by a team laptop in its
/// encrypted store, wrapped to it by whoever gave it (team/).
pub struct SpaceKey {
    key: Zeroizing<[u8; 32]>,
    generation: u32,
}

impl SpaceKey {
    /// A new random key, of the first generation.
    pub fn generate() -> Result<SpaceKey> {
        let mut k = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut k[..]).map_err(|e| CoreError::Sync(e.to_string()))?;
        Ok(SpaceKey {
            key: k,
            generation: 1,
        })
    }

    /// A key from its 32 bytes and generation (as a team laptop keeps it).
    pub fn from_bytes(bytes: &[u8], generation: u32) -> Result<SpaceKey> {
        if bytes.len() != 32 || generation == 0 {
            return Err(CoreError::Sync("a space's key is damaged".into()));
        }
        let mut k = Zeroizing::new([0u8; 32]);
        k.copy_from_slice(bytes);
        Ok(SpaceKey { key: k, generation })
    }

    /// The same key as the given generation.
    pub fn with_generation(self, generation: u32) -> SpaceKey {
        SpaceKey { generation, ..self }
    }

    pub fn generation(&self) -> u32 {
        self.generation
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// Reads a key file: 64 hex digits (whitespace around them allowed).
    pub fn read(path: &Path) -> Result<SpaceKey> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            CoreError::Sync(format!(
                "The key file {} can't be read: {e}",
                path.display()
            ))
        })?);
        let bytes = data_encoding::HEXLOWER_PERMISSIVE
            .decode(text.trim().as_bytes())
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or_else(|| {
                CoreError::Sync(format!(
                    "{} is not a space's key file (it should hold 64 hex digits).",
                    path.display()
                ))
            })?;
        let mut k = Zeroizing::new([0u8; 32]);
        k.copy_from_slice(&bytes);
        Ok(SpaceKey {
            key: k,
            generation: 1,
        })
    }

    /// Writes the key to a new file (never over an existing one), readable by
    /// its owner only.
    pub fn write_new(&self, path: &Path) -> Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(path).map_err(|e| {
            CoreError::Sync(format!(
                "The key file {} can't be made: {e}",
                path.display()
            ))
        })?;
        let hex = Zeroizing::new(data_encoding::HEXLOWER.encode(&self.key[..]));
        f.write_all(hex.as_bytes())?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        Ok(())
    }

    /// A keyed hash that tells this key apart without revealing it: kept in
    /// the store, so a different key file for the same space is named as such.
    pub fn check(&self) -> String {
        let hash = blake3::keyed_hash(&self.key, b"refrain space key check v1");
        hash.to_hex()[..16].to_string()
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&*self.key).into())
    }
}

/// What a file holds once opened.
#[derive(Serialize, Deserialize, Debug)]
pub struct Contents {
    /// "changes" or "snapshot".
    pub kind: String,
    pub space: String,
    pub device: String,
    pub schema: u32,
    /// The entries (one per transaction; a snapshot has one).
    pub entries: Vec<Entry>,
}

/// Where a file lives: `<folder>/<space>/<device>/<stem>.<ext>`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileName {
    pub space: String,
    pub device: String,
    pub stem: String,
    pub ext: String,
}

impl FileName {
    pub fn path(&self, folder: &Path) -> PathBuf {
        folder
            .join(&self.space)
            .join(&self.device)
            .join(format!("{}.{}", self.stem, self.ext))
    }

    pub fn name(&self) -> String {
        format!("{}.{}", self.stem, self.ext)
    }

    fn aad(&self, header: &[u8]) -> Vec<u8> {
        let mut aad = header.to_vec();
        for part in [&self.space, &self.device, &self.stem, &self.ext] {
            aad.extend_from_slice(&(part.len() as u32).to_be_bytes());
            aad.extend_from_slice(part.as_bytes());
        }
        aad
    }
}

/// Why a file could not be used.
#[derive(Debug)]
pub enum Refusal {
    /// Made by a newer Refrain: kept, and applied once this laptop is updated.
    Newer(u32),
    /// Never to be applied: the message says why in words.
    Refused(String),
}

/// Seals `contents` for `name` with `key`.
pub fn seal(name: &FileName, contents: &Contents, key: &SpaceKey) -> Result<Vec<u8>> {
    let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    serde_json::to_writer(&mut deflate, contents).map_err(|e| CoreError::Sync(e.to_string()))?;
    seal_bytes(name, contents.schema, &deflate.finish()?, key)
}

/// Seals already-compressed `plain` for `name` with `key`.
pub fn seal_bytes(name: &FileName, schema: u32, plain: &[u8], key: &SpaceKey) -> Result<Vec<u8>> {
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce).map_err(|e| CoreError::Sync(e.to_string()))?;
    let mut header = Vec::with_capacity(HEADER + plain.len() + 16);
    header.extend_from_slice(MAGIC);
    header.push(FORMAT);
    header.extend_from_slice(&schema.to_be_bytes());
    header.extend_from_slice(&key.generation.to_be_bytes());
    header.extend_from_slice(&nonce);
    let sealed = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plain,
                aad: &name.aad(&header),
            },
        )
        .map_err(|_| CoreError::Sync("a change file could not be encrypted".into()))?;
    header.extend_from_slice(&sealed);
    Ok(header)
}

/// Checks a file's header: the generation of the key that sealed it and
/// the header's length. A file from a newer Refrain is `Newer`.
pub fn header_of(
    bytes: &[u8],
    supported_schema: u32,
) -> std::result::Result<(u32, usize), Refusal> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(refused("it is not a Refrain change file"));
    }
    if bytes.len() < 17 {
        return Err(refused("it is cut short (truncated)"));
    }
    let format = bytes[12];
    let schema = u32::from_be_bytes([bytes[13], bytes[14], bytes[15], bytes[16]]);
    if format > FORMAT || schema > supported_schema {
        return Err(Refusal::Newer(schema));
    }
    let (generation, header) = if format == 1 {
        (1, HEADER_V1)
    } else {
        if bytes.len() < 21 {
            return Err(refused("it is cut short (truncated)"));
        }
        let g = u32::from_be_bytes([bytes[17], bytes[18], bytes[19], bytes[20]]);
        (g, HEADER)
    };
    if bytes.len() < header + 16 {
        return Err(refused("it is cut short (truncated)"));
    }
    Ok((generation, header))
}

fn refused(why: &str) -> Refusal {
    Refusal::Refused(why.to_string())
}

/// Checks a file's header and schema version, then decrypts and
/// authenticates it: the compressed contents and the schema version.
pub fn open_bytes(
    name: &FileName,
    bytes: &[u8],
    key: &SpaceKey,
    supported_schema: u32,
) -> std::result::Result<(Vec<u8>, u32), Refusal> {
    let (generation, header) = header_of(bytes, supported_schema)?;
    if generation != key.generation {
        return Err(refused(
            "it was sealed with another generation of this space's key",
        ));
    }
    let schema = u32::from_be_bytes([bytes[13], bytes[14], bytes[15], bytes[16]]);
    let nonce = &bytes[header - 24..header];
    let plain = key
        .cipher()
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: &bytes[header..],
                aad: &name.aad(&bytes[..header]),
            },
        )
        .map_err(|_| {
            refused(
                "it does not open with this space's key: it was cut short, altered, renamed, \
                 made with another key, or copied in from another space",
            )
        })?;
    Ok((plain, schema))
}

/// Opens a change file's bytes found at `name`.
pub fn open(
    name: &FileName,
    bytes: &[u8],
    key: &SpaceKey,
    supported_schema: u32,
) -> std::result::Result<Contents, Refusal> {
    let (plain, schema) = open_bytes(name, bytes, key, supported_schema)?;
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(&plain[..])
        .take(1024 * 1024 * 1024)
        .read_to_end(&mut json)
        .map_err(|_| refused("its contents are damaged"))?;
    let contents: Contents =
        serde_json::from_slice(&json).map_err(|_| refused("its contents can't be read"))?;
    if contents.space != name.space || contents.device != name.device || contents.schema != schema {
        return Err(refused(
            "it says it belongs somewhere other than where it was found",
        ));
    }
    Ok(contents)
}

/// Writes `bytes` as `path` so that the name only ever holds a whole file:
/// a temporary file beside it, flushed to disk, then renamed into place.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".refrain-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| CoreError::Io(e.error))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
