//! Opening a music file with symphonia: which container it is, which track
//! to play, its tags, and the mapping of symphonia's errors to `AudioError`.
//!
//! Everything that touches symphonia here runs under `guard`, so that a
//! decoder tripping over hostile bytes gives `Corrupt`, never a panic that
//! reaches the caller.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::OnceLock;

use symphonia::core::codecs::{self, CodecParameters, CodecType, DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions, ReadBytes};
use symphonia::core::meta::{MetadataOptions, MetadataRevision, StandardTagKey, Value};
use symphonia::core::probe::{Hint, Instantiate, Probe, QueryDescriptor};
use symphonia::core::units::TimeBase;
use symphonia::default::formats::{
    AdtsReader, FlacReader, IsoMp4Reader, MpaReader, OggReader, WavReader,
};

use super::{AudioError, AudioInfo};

/// How many packets may fail to decode at the start of a file before it is
/// called damaged. A few bad packets can be skipped; a file of nothing else
/// cannot be played.
pub(crate) const MAX_BAD_PACKETS_AT_START: usize = 16;

/// How much shorter than its container says a file's music may be before it
/// is called damaged (or a twentieth of its length, if more): encoders'
/// priming and padding, and a last frame cut short, are well inside it.
const SHORT_BY_MS: u32 = 500;

/// Runs `f`, turning a panic inside symphonia into `Corrupt`.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, AudioError>) -> Result<T, AudioError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(_) => Err(AudioError::Corrupt),
    }
}

// ---------------------------------------------------------------------------
// Which container: symphonia's probe does not say which reader it chose, so
// each reader is registered through a small wrapper that notes its name.
// ---------------------------------------------------------------------------

thread_local! {
    /// The container whose marker the probe found, and where in the file.
    static DETECTED: Cell<Option<(&'static str, u64)>> = const { Cell::new(None) };
}

trait Container: FormatReader + QueryDescriptor + 'static {
    /// The library's name for the container.
    const NAME: &'static str;
}

impl Container for WavReader {
    const NAME: &'static str = "wav";
}
impl Container for FlacReader {
    const NAME: &'static str = "flac";
}
impl Container for MpaReader {
    const NAME: &'static str = "mp3";
}
impl Container for OggReader {
    const NAME: &'static str = "ogg";
}
impl Container for IsoMp4Reader {
    const NAME: &'static str = "m4a";
}
/// A bare AAC stream (ADTS): the same music as an M4A file, and the library
/// names the AAC family `m4a`.
impl Container for AdtsReader {
    const NAME: &'static str = "m4a";
}

fn instantiate<R: Container>(
    source: MediaSourceStream,
    options: &FormatOptions,
) -> symphonia::core::errors::Result<Box<dyn FormatReader>> {
    let at = source.pos();
    DETECTED.with(|d| d.set(Some((R::NAME, at))));
    Ok(Box::new(R::try_new(source, options)?))
}

fn register<R: Container>(probe: &mut Probe) {
    for descriptor in R::query() {
        let mut named = *descriptor;
        named.inst = Instantiate::Format(instantiate::<R>);
        probe.register(&named);
    }
}

fn probe_registry() -> &'static Probe {
    static PROBE: OnceLock<Probe> = OnceLock::new();
    PROBE.get_or_init(|| {
        let mut probe = Probe::default();
        // The same order as symphonia's default probe. These come first, so
        // they are the ones that match; the defaults registered after them
        // add the ID3v2 reader (tags in front of an MP3 or FLAC).
        register::<AdtsReader>(&mut probe);
        register::<FlacReader>(&mut probe);
        register::<IsoMp4Reader>(&mut probe);
        register::<MpaReader>(&mut probe);
        register::<WavReader>(&mut probe);
        register::<OggReader>(&mut probe);
        symphonia::default::register_enabled_formats(&mut probe);
        probe
    })
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

pub(crate) fn io_error(e: &io::Error) -> AudioError {
    match e.kind() {
        io::ErrorKind::NotFound => AudioError::Missing,
        io::ErrorKind::PermissionDenied => AudioError::Unreadable(
            "Refrain is not allowed to open it. Check the file's permissions.".into(),
        ),
        _ => AudioError::Unreadable(e.to_string()),
    }
}

/// A symphonia error met while reading a file whose container was recognised.
pub(crate) fn stream_error(e: &SymError) -> AudioError {
    match e {
        // A file that ends too soon, or bytes that make no sense: damaged.
        SymError::IoError(io) if io.kind() == io::ErrorKind::UnexpectedEof => AudioError::Corrupt,
        SymError::IoError(io) => io_error(io),
        SymError::Unsupported(what) => AudioError::UnsupportedCodec((*what).to_string()),
        SymError::DecodeError(_)
        | SymError::LimitError(_)
        | SymError::SeekError(_)
        | SymError::ResetRequired => AudioError::Corrupt,
    }
}

/// A plain name for a codec, for "a format Refrain cannot play (…)".
pub(crate) fn codec_name(codec: CodecType) -> String {
    if let Some(d) = symphonia::default::get_codecs().get_codec(codec) {
        return d.long_name.to_string();
    }
    let name = match codec {
        codecs::CODEC_TYPE_OPUS => "Opus",
        codecs::CODEC_TYPE_ALAC => "Apple Lossless",
        codecs::CODEC_TYPE_WMA => "Windows Media Audio",
        codecs::CODEC_TYPE_EAC3 | codecs::CODEC_TYPE_AC4 => "Dolby Digital",
        codecs::CODEC_TYPE_DCA => "DTS",
        codecs::CODEC_TYPE_SPEEX => "Speex",
        codecs::CODEC_TYPE_WAVPACK => "WavPack",
        codecs::CODEC_TYPE_MONKEYS_AUDIO => "Monkey's Audio",
        codecs::CODEC_TYPE_MUSEPACK => "Musepack",
        codecs::CODEC_TYPE_ADPCM_MS
        | codecs::CODEC_TYPE_ADPCM_IMA_WAV
        | codecs::CODEC_TYPE_ADPCM_IMA_QT
        | codecs::CODEC_TYPE_ADPCM_G722
        | codecs::CODEC_TYPE_ADPCM_G726
        | codecs::CODEC_TYPE_ADPCM_G726LE => "ADPCM",
        _ => "an unknown codec",
    };
    name.to_string()
}

// ---------------------------------------------------------------------------
// Opening
// ---------------------------------------------------------------------------

/// How far past the start of its music a container's marker may be found
/// for the file to count as that container (a few stray bytes happen).
const MARKER_SLACK: u64 = 16;

/// Where a file's music starts: after an ID3v2 tag in front, if any.
fn music_start(path: &Path) -> u64 {
    let mut head = [0u8; 10];
    let read = File::open(path).and_then(|mut f| f.read_exact(&mut head));
    if read.is_err() || &head[..3] != b"ID3" {
        return 0;
    }
    // The tag's size: four 7-bit bytes, then a footer of 10 if flagged.
    let size = head[6..10]
        .iter()
        .fold(0u64, |n, b| (n << 7) | u64::from(b & 0x7f));
    let footer = if head[5] & 0x10 != 0 { 10 } else { 0 };
    10 + size + footer
}

/// A file whose container is recognised and whose music has a decoder.
pub(crate) struct Opened {
    pub format: Box<dyn FormatReader>,
    pub decoder: Box<dyn codecs::Decoder>,
    pub track_id: u32,
    pub params: CodecParameters,
    pub container: &'static str,
    /// Tags read before the container (an ID3v2 block), newest revision.
    pub probed_tags: Option<MetadataRevision>,
}

/// Opens a file: container, first playable track and its decoder. Nothing is
/// decoded yet. Call under `guard`.
pub(crate) fn open(path: &Path) -> Result<Opened, AudioError> {
    let file = File::open(path).map_err(|e| io_error(&e))?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(AudioError::NotAudio);
    }
    let stream = MediaSourceStream::new(Box::new(file), MediaSourceStreamOptions::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    // Gapless: the encoder's padding is trimmed, so lengths and positions
    // are those of the music itself.
    let format_opts = FormatOptions {
        enable_gapless: true,
        ..Default::default()
    };
    DETECTED.with(|d| d.set(None));
    let probed = probe_registry().format(&hint, stream, &format_opts, &MetadataOptions::default());
    let detected = DETECTED.with(|d| d.take());
    let mut probed = match (probed, detected) {
        (Ok(p), Some(_)) => p,
        // No container marker found: not music.
        (Err(_), None) | (Ok(_), None) => return Err(AudioError::NotAudio),
        // A marker deep inside the file whose reader gave up: the probe
        // searches the whole start of a file, and a text that mentions
        // "RIFF" or "fLaC" is not a damaged music file.
        (Err(_), Some((_, at))) if at > music_start(path) + MARKER_SLACK => {
            return Err(AudioError::NotAudio)
        }
        // The container was recognised but its reader gave up.
        (Err(SymError::Unsupported(what)), Some(_)) => {
            return Err(AudioError::UnsupportedCodec(what.to_string()))
        }
        (Err(SymError::IoError(e)), Some(_)) if e.kind() != io::ErrorKind::UnexpectedEof => {
            return Err(io_error(&e))
        }
        (Err(_), Some(_)) => return Err(AudioError::Corrupt),
    };
    let container = detected.map_or("wav", |(name, _)| name);
    let probed_tags = probed
        .metadata
        .get()
        .and_then(|mut m| m.skip_to_latest().cloned());

    let format = probed.format;
    let tracks = format.tracks();
    if tracks.is_empty() {
        return Err(AudioError::NotAudio);
    }
    let registry = symphonia::default::get_codecs();
    let Some(track) = tracks.iter().find(|t| {
        t.codec_params.codec != CODEC_TYPE_NULL
            && registry.get_codec(t.codec_params.codec).is_some()
    }) else {
        let codec = tracks
            .iter()
            .map(|t| t.codec_params.codec)
            .find(|c| *c != CODEC_TYPE_NULL);
        return Err(AudioError::UnsupportedCodec(
            codec
                .map(codec_name)
                .unwrap_or_else(|| "no music track".into()),
        ));
    };
    let track_id = track.id;
    let params = track.codec_params.clone();
    let decoder = registry
        .make(&params, &DecoderOptions::default())
        .map_err(|e| match e {
            SymError::Unsupported(_) => AudioError::UnsupportedCodec(codec_name(params.codec)),
            other => stream_error(&other),
        })?;
    Ok(Opened {
        format,
        decoder,
        track_id,
        params,
        container,
        probed_tags,
    })
}

// ---------------------------------------------------------------------------
// Tags and lengths
// ---------------------------------------------------------------------------

fn value_text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::UnsignedInt(n) => n.to_string(),
        Value::SignedInt(n) => n.to_string(),
        _ => return None,
    };
    let s = s
        .trim_matches(|c: char| c.is_whitespace() || c == '\0')
        .to_string();
    (!s.is_empty()).then_some(s)
}

fn tag(revisions: &[&MetadataRevision], keys: &[StandardTagKey]) -> Option<String> {
    keys.iter().find_map(|key| {
        revisions
            .iter()
            .flat_map(|r| r.tags())
            .filter(|t| t.std_key == Some(*key))
            .find_map(|t| value_text(&t.value))
    })
}

/// The year in a date tag: the first run of exactly four digits
/// ("1912", "1811-06-01", "05/03/1998").
pub(crate) fn year_of(date: &str) -> Option<i32> {
    let bytes = date.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 4 {
                return date[start..i]
                    .parse()
                    .ok()
                    .filter(|y| (1000..=2999).contains(y));
            }
        } else {
            i += 1;
        }
    }
    None
}

/// Frames (at `rate`) in `ts` ticks of `tb`, without panicking on odd values.
pub(crate) fn ts_to_frames(ts: u64, tb: Option<TimeBase>, rate: u32) -> u64 {
    match tb {
        Some(tb) if tb.denom > 0 => {
            let v = u128::from(ts) * u128::from(tb.numer) * u128::from(rate) / u128::from(tb.denom);
            u64::try_from(v).unwrap_or(u64::MAX)
        }
        _ => ts,
    }
}

pub(crate) fn frames_to_ms(frames: u64, rate: u32) -> u32 {
    if rate == 0 {
        return 0;
    }
    // To the nearest millisecond, so that a position in ms survives the trip
    // to frames and back.
    u32::try_from((u128::from(frames) * 1000 + u128::from(rate / 2)) / u128::from(rate))
        .unwrap_or(u32::MAX)
}

/// Reads a file's facts: opens it, decodes its first packets to be sure it
/// plays, and finds its length (from the container, or by counting packets).
pub(crate) fn probe(path: &Path) -> Result<AudioInfo, AudioError> {
    guard(|| probe_inner(path))
}

fn probe_inner(path: &Path) -> Result<AudioInfo, AudioError> {
    let Opened {
        mut format,
        mut decoder,
        track_id,
        params,
        container,
        probed_tags,
    } = open(path)?;

    // Tags: the container's own first, then any ID3v2 block in front of it.
    let own_tags = format.metadata().skip_to_latest().cloned();
    let revisions: Vec<&MetadataRevision> = own_tags.iter().chain(probed_tags.iter()).collect();
    let title = tag(&revisions, &[StandardTagKey::TrackTitle]);
    let artist = tag(
        &revisions,
        &[
            StandardTagKey::Artist,
            StandardTagKey::AlbumArtist,
            StandardTagKey::Performer,
        ],
    );
    let album = tag(&revisions, &[StandardTagKey::Album]);
    let year = tag(
        &revisions,
        &[
            StandardTagKey::Date,
            StandardTagKey::ReleaseDate,
            StandardTagKey::OriginalDate,
        ],
    )
    .and_then(|d| year_of(&d));

    // Decode the first packets: a file that opens but does not decode is
    // not music Refrain can play.
    let mut bad = 0;
    let mut counted_ts: u64 = 0;
    let (rate, channels) = loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            Err(SymError::ResetRequired) => return Err(AudioError::Corrupt),
            Err(e) => return Err(stream_error(&e)),
        };
        if packet.track_id() != track_id {
            continue;
        }
        counted_ts = counted_ts.saturating_add(packet.dur());
        match decoder.decode(&packet) {
            Ok(buf) if buf.frames() > 0 => {
                let spec = buf.spec();
                break (spec.rate, spec.channels.count() as u32);
            }
            Ok(_) => {}
            Err(SymError::DecodeError(_)) => {
                bad += 1;
                if bad > MAX_BAD_PACKETS_AT_START {
                    return Err(AudioError::Corrupt);
                }
            }
            Err(SymError::Unsupported(what)) => {
                return Err(AudioError::UnsupportedCodec(what.to_string()))
            }
            Err(e) => return Err(stream_error(&e)),
        }
    };
    if rate == 0 || channels == 0 {
        return Err(AudioError::Corrupt);
    }

    // Length: from the container, or by reading through the packets. The
    // packets are read through either way (not decoded: the file is read
    // whole to be hashed anyway), so that a container claiming more than
    // the file holds (a copy cut short) is caught.
    let tb = params.time_base.or(Some(TimeBase {
        numer: 1,
        denom: rate,
    }));
    loop {
        match format.next_packet() {
            Ok(p) if p.track_id() == track_id => counted_ts = counted_ts.saturating_add(p.dur()),
            Ok(_) => {}
            // The end, or as far as the file could be read.
            Err(SymError::IoError(e)) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            // Bytes that make no sense after music that played: as far as
            // it goes when the container gives the length (checked below),
            // else no length can be trusted.
            Err(e) if params.n_frames.is_some() && !matches!(e, SymError::IoError(_)) => break,
            Err(e) => return Err(stream_error(&e)),
        }
    }
    let to_ms = |ts: u64| frames_to_ms(ts_to_frames(ts, tb, rate), rate);
    let claimed = params.n_frames.filter(|n| *n > 0);
    let duration_ms = claimed.or(Some(counted_ts)).map(to_ms).filter(|ms| *ms > 0);
    let readable_ms = match (claimed, duration_ms) {
        (Some(_), Some(listed)) => {
            let read = to_ms(counted_ts);
            let short = listed.saturating_sub(read);
            (short > SHORT_BY_MS.max(listed / 20)).then_some(read)
        }
        _ => None,
    };

    Ok(AudioInfo {
        title,
        artist,
        album,
        year,
        duration_ms,
        readable_ms,
        sample_rate: Some(rate),
        channels: Some(channels),
        format: container,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_come_from_four_digit_runs() {
        assert_eq!(year_of("1912"), Some(1912));
        assert_eq!(year_of("1811-06-01"), Some(1811));
        assert_eq!(year_of("05/03/1998"), Some(1998));
        assert_eq!(year_of("20"), None);
        assert_eq!(year_of("123456"), None);
        assert_eq!(year_of("circa 1890s"), Some(1890));
        assert_eq!(year_of(""), None);
    }

    #[test]
    fn time_conversions_do_not_panic_on_odd_values() {
        let tb = Some(TimeBase {
            numer: 1,
            denom: 44_100,
        });
        assert_eq!(ts_to_frames(44_100, tb, 44_100), 44_100);
        assert_eq!(
            ts_to_frames(5, Some(TimeBase { numer: 1, denom: 0 }), 44_100),
            5
        );
        assert_eq!(frames_to_ms(u64::MAX, 1), u32::MAX);
        assert_eq!(frames_to_ms(10, 0), 0);
    }
}
