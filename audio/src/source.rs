//! A music file as a stream of samples: symphonia decodes it packet by
//! packet into one reused buffer (memory does not grow with the length of
//! the music), and rodio takes the samples through its `Source` trait.

use std::num::NonZeroU16;
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rodio::source::SeekError;
use rodio::{ChannelCount, Sample, SampleRate, Source};
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::Decoder as SymDecoder;
use symphonia::core::errors::{Error as SymError, SeekErrorKind};
use symphonia::core::formats::{FormatReader, SeekMode, SeekTo};
use symphonia::core::units::TimeBase;

use super::probe::{self, guard, Opened, MAX_BAD_PACKETS_AT_START};
use super::AudioError;

/// A music file decoding as it plays: a rodio [`Source`] of `f32` samples,
/// interleaved, at the file's own sample rate and channel count.
///
/// A file that stops decoding part-way ends the stream early (never a
/// panic); [`TrackDecoder::error`] then says why.
pub struct TrackDecoder {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn SymDecoder>,
    track_id: u32,
    time_base: Option<TimeBase>,
    rate: u32,
    channels: u16,
    total_frames: Option<u64>,
    /// The current packet's samples, interleaved; reused from packet to packet.
    buffer: Option<SampleBuffer<f32>>,
    /// The next sample to hand out from `buffer`.
    cursor: usize,
    /// Samples in `buffer`.
    filled: usize,
    /// Frames handed out so far, counted from the start of the music.
    position: u64,
    /// Frames still to drop after a seek, to land exactly on its target.
    skip: u64,
    error: Option<AudioError>,
    ended: bool,
}

impl std::fmt::Debug for TrackDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackDecoder")
            .field("rate", &self.rate)
            .field("channels", &self.channels)
            .field("position", &self.position)
            .field("total_frames", &self.total_frames)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl TrackDecoder {
    /// Opens a file and decodes its first packet, so that a file that cannot
    /// be played is refused here with the reason.
    pub fn open(path: &Path) -> Result<TrackDecoder, AudioError> {
        guard(|| {
            let Opened {
                format,
                decoder,
                track_id,
                params,
                ..
            } = probe::open(path)?;
            let mut dec = TrackDecoder {
                format,
                decoder,
                track_id,
                time_base: params.time_base,
                rate: params.sample_rate.unwrap_or(0),
                channels: params.channels.map(|c| c.count() as u16).unwrap_or(0),
                total_frames: None,
                buffer: None,
                cursor: 0,
                filled: 0,
                position: 0,
                skip: 0,
                error: None,
                ended: false,
            };
            // The first packet fixes the stream's shape (some containers
            // only learn it from the codec).
            match dec.decode_next(true) {
                Ok(true) => {}
                Ok(false) => return Err(AudioError::Corrupt),
                Err(e) => return Err(e),
            }
            if dec.rate == 0 || dec.channels == 0 {
                return Err(AudioError::Corrupt);
            }
            if dec.time_base.is_none() {
                dec.time_base = Some(TimeBase {
                    numer: 1,
                    denom: dec.rate,
                });
            }
            dec.total_frames = params
                .n_frames
                .map(|n| probe::ts_to_frames(n, dec.time_base, dec.rate))
                .filter(|n| *n > 0);
            Ok(dec)
        })
    }

    /// Why the stream ended early, if it did.
    pub fn error(&self) -> Option<&AudioError> {
        self.error.as_ref()
    }

    /// Frames decoded and handed out so far, counted from the start of the
    /// music (after a seek, from its target).
    pub fn position_frames(&self) -> u64 {
        self.position
    }

    /// The position as a time.
    pub fn position(&self) -> Duration {
        frames_to_duration(self.position, self.rate)
    }

    /// The music's length in frames, if the file says.
    pub fn total_frames(&self) -> Option<u64> {
        self.total_frames
    }

    pub fn sample_rate_hz(&self) -> u32 {
        self.rate
    }

    pub fn channel_count(&self) -> u16 {
        self.channels
    }

    /// Whether the stream has ended (the music is over, or it broke).
    pub fn is_finished(&self) -> bool {
        self.ended
    }

    /// Moves to `to` (clamped to the end), landing on the exact frame: the
    /// container seeks to a packet at or before the target, then the frames
    /// before the target are decoded and dropped.
    pub fn seek(&mut self, to: Duration) -> Result<(), AudioError> {
        // Called between two samples of a frame, carry on from the same
        // channel so that left stays left.
        let channel = self.cursor % usize::from(self.channels.max(1));
        self.seek_frame(to)?;
        for _ in 0..channel {
            self.next();
        }
        Ok(())
    }

    fn seek_frame(&mut self, to: Duration) -> Result<(), AudioError> {
        let rate = self.rate;
        let mut target = duration_to_frames(to, rate);
        if let Some(total) = self.total_frames {
            target = target.min(total);
        }
        let result = guard(|| {
            if self.total_frames.is_some_and(|total| target >= total) {
                return Ok(true);
            }
            // By timestamp, worked out exactly (a time in seconds can come
            // back a frame short).
            let ts = frames_to_ts(target, self.time_base, rate);
            match self.format.seek(
                SeekMode::Accurate,
                SeekTo::TimeStamp {
                    ts,
                    track_id: self.track_id,
                },
            ) {
                Ok(seeked) => {
                    self.decoder.reset();
                    let actual = probe::ts_to_frames(seeked.actual_ts, self.time_base, rate);
                    let required = probe::ts_to_frames(seeked.required_ts, self.time_base, rate);
                    self.skip = required.saturating_sub(actual);
                    self.position = required;
                    Ok(false)
                }
                // Past the last packet: the music is over.
                Err(SymError::SeekError(SeekErrorKind::OutOfRange)) => Ok(true),
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    Ok(true)
                }
                Err(SymError::SeekError(_)) => Err(AudioError::Invalid(
                    "This music cannot jump to another point.".into(),
                )),
                Err(e) => Err(probe::stream_error(&e)),
            }
        });
        self.cursor = 0;
        self.filled = 0;
        match result {
            Ok(past_end) => {
                self.ended = past_end;
                if past_end {
                    self.position = target;
                }
                self.error = None;
                Ok(())
            }
            Err(e) => {
                self.ended = true;
                self.error = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Decodes packets until one gives frames. `Ok(false)` at the end of the
    /// music. `first` is the opening packet, which also fixes the stream's
    /// sample rate and channels.
    fn decode_next(&mut self, first: bool) -> Result<bool, AudioError> {
        let mut bad = 0;
        loop {
            let packet = match self.format.next_packet() {
                Ok(p) => p,
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Ok(false)
                }
                Err(SymError::ResetRequired) => {
                    // A new stream chained in the same file (it happens with
                    // Ogg): start a fresh decoder for it.
                    self.decoder.reset();
                    continue;
                }
                Err(e) => return Err(probe::stream_error(&e)),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            let decoded = match self.decoder.decode(&packet) {
                Ok(d) => d,
                Err(SymError::DecodeError(_)) => {
                    // One damaged packet is skipped; a run of them means the
                    // file is damaged from here on.
                    bad += 1;
                    if bad > MAX_BAD_PACKETS_AT_START {
                        return Err(AudioError::Corrupt);
                    }
                    continue;
                }
                Err(SymError::Unsupported(what)) => {
                    return Err(AudioError::UnsupportedCodec(what.to_string()))
                }
                Err(e) => return Err(probe::stream_error(&e)),
            };
            let frames = decoded.frames();
            if frames == 0 {
                continue;
            }
            let spec = *decoded.spec();
            let channels = u16::try_from(spec.channels.count()).unwrap_or(0);
            if first {
                self.rate = spec.rate;
                self.channels = channels;
            } else if spec.rate != self.rate || channels != self.channels {
                // The stream changes shape part-way: not something a music
                // file should do. End here rather than play it wrongly.
                return Err(AudioError::Corrupt);
            }
            if channels == 0 || spec.rate == 0 {
                return Err(AudioError::Corrupt);
            }
            let needed = decoded.capacity();
            let fits = self
                .buffer
                .as_ref()
                .is_some_and(|b| b.capacity() >= needed * usize::from(channels));
            if !fits {
                self.buffer = Some(SampleBuffer::new(needed as u64, spec));
            }
            let Some(buffer) = self.buffer.as_mut() else {
                return Err(AudioError::Corrupt);
            };
            buffer.copy_interleaved_ref(decoded);
            self.filled = buffer.len();
            self.cursor = 0;
            // After a seek: drop whole frames up to the exact target.
            if self.skip > 0 {
                let drop = self.skip.min(frames as u64);
                self.skip -= drop;
                self.cursor = drop as usize * usize::from(channels);
                if self.cursor >= self.filled {
                    continue;
                }
            }
            return Ok(true);
        }
    }

    fn refill(&mut self) -> bool {
        if self.ended {
            return false;
        }
        match guard(|| self.decode_next(false)) {
            Ok(true) => true,
            Ok(false) => {
                self.ended = true;
                false
            }
            Err(e) => {
                self.ended = true;
                self.error = Some(e);
                false
            }
        }
    }
}

pub(crate) fn frames_to_duration(frames: u64, rate: u32) -> Duration {
    if rate == 0 {
        return Duration::ZERO;
    }
    let secs = frames / u64::from(rate);
    let rest = frames % u64::from(rate);
    Duration::new(secs, (rest * 1_000_000_000 / u64::from(rate)) as u32)
}

/// Ticks of `tb` in `frames` frames at `rate`, rounded up so that the
/// timestamp is never before the frame.
fn frames_to_ts(frames: u64, tb: Option<TimeBase>, rate: u32) -> u64 {
    match tb {
        Some(tb) if tb.numer > 0 && rate > 0 => {
            let den = u128::from(tb.numer) * u128::from(rate);
            let v = (u128::from(frames) * u128::from(tb.denom)).div_ceil(den);
            u64::try_from(v).unwrap_or(u64::MAX)
        }
        _ => frames,
    }
}

pub(crate) fn duration_to_frames(d: Duration, rate: u32) -> u64 {
    let v = (d.as_nanos() * u128::from(rate) + 500_000_000) / 1_000_000_000;
    u64::try_from(v).unwrap_or(u64::MAX)
}

impl Iterator for TrackDecoder {
    type Item = Sample;

    #[inline]
    fn next(&mut self) -> Option<Sample> {
        if self.cursor >= self.filled && !self.refill() {
            return None;
        }
        let sample = self.buffer.as_ref()?.samples().get(self.cursor).copied()?;
        self.cursor += 1;
        if self
            .cursor
            .is_multiple_of(usize::from(self.channels.max(1)))
        {
            self.position += 1;
        }
        Some(sample)
    }
}

impl Source for TrackDecoder {
    /// The stream keeps one shape from start to end (a file that changes
    /// shape part-way ends there), so there are no spans.
    fn current_span_len(&self) -> Option<usize> {
        None
    }

    fn channels(&self) -> ChannelCount {
        NonZeroU16::new(self.channels).unwrap_or(NonZeroU16::MIN)
    }

    fn sample_rate(&self) -> SampleRate {
        NonZeroU32::new(self.rate).unwrap_or(NonZeroU32::MIN)
    }

    fn total_duration(&self) -> Option<Duration> {
        self.total_frames.map(|n| frames_to_duration(n, self.rate))
    }

    fn try_seek(&mut self, pos: Duration) -> Result<(), SeekError> {
        self.seek(pos).map_err(|e| SeekError::Other(Arc::new(e)))
    }
}
