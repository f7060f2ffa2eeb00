//! The audio engine's tests, one binary: every format decoded, the player
//! heard through a real ALSA output, and music files brought into a real
//! store's library.

mod music_import;
mod playback;
