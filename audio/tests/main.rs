//! The audio engine's tests, one binary: every format decoded, the player
//! heard through a real ALSA output, and music files brought into a real
//! store's library.

mod music_import;
mod playback;

/// The ALSA tests (each in a child process with its own sound configuration)
/// run while no music-import test does: with both at once, the player in a
/// child now and then never saw the sound output written for it after
/// starting without one. Import tests share this; an ALSA test holds it alone.
pub static ALSA_ALONE: std::sync::RwLock<()> = std::sync::RwLock::new(());
