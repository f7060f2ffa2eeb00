//! The audio engine's tests, one binary: every format decoded, the player
//! heard through a real ALSA output, and music files brought into a real
//! store's library.

mod handover;
mod music_import;
mod playback;

/// The ALSA tests (each in a child process with its own sound configuration)
/// run alone: with other tests of this binary running meanwhile, the player in
/// a child now and then never saw the sound output written for it after
/// starting without one (about one run in three). Every other test shares
/// this lock; an ALSA test holds it alone.
pub static ALSA_ALONE: std::sync::RwLock<()> = std::sync::RwLock::new(());
