#!/usr/bin/env python3
"""Render Refrain's sample music: short sing-along versions of public-domain songs.

Standard library only. Each song is written below as a melody (note name, length in
beats), a chord chart and a fixed tempo. The script synthesises a soft "music box /
soft piano" melody over an oom-pah(-pah) accompaniment (bass on the strong beat, a
chord on the others), writes a 16-bit, 44.1 kHz mono WAV master for every song, and
then calls sox to make the FLAC / Ogg Vorbis copies, tagged.

    python3 assets/music/generate.py                  # rewrite assets/music/*
    python3 assets/music/generate.py --out /tmp/m     # write somewhere else
    python3 assets/music/generate.py --keep-wav /tmp/w  # also keep every WAV master

The WAV masters are deterministic: the same script gives byte-identical WAVs (their
SHA-256 are printed and listed in README.md). The FLAC and Ogg files depend on the
sox / libFLAC / libvorbis versions that encode them.
"""

import argparse
import hashlib
import math
import operator
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from fractions import Fraction as F

SR = 44100                      # samples per second
PEAK = 10 ** (-3 / 20)          # normalise every track to a -3 dBFS peak
ALBUM = "Refrain sample music"
T = F(1, 3)                     # one triplet eighth, in beats

# --------------------------------------------------------------------------
# The songs. Melodies: (note, beats); "r" is a rest. Chords: (symbol, beats),
# starting at the top of the count-in bar; the last chord is held to the end.
# `start` is the beat where the melody begins (count-in minus any pick-up).
# --------------------------------------------------------------------------

SONGS = [
    dict(
        file="Daisy Bell", fmt="ogg", track=1,
        title="Daisy Bell (A Bicycle Built for Two)",
        artist="Harry Dacre", year=1892,
        note="Chorus. Key of F, as published.",
        bpm=160, meter=3, start=3,
        melody=[
            # Dai-sy, Dai-sy, give me your an-swer, do!
            ("C5", 3), ("A4", 3), ("F4", 3), ("C4", 3),
            ("D4", 1), ("E4", 1), ("F4", 1), ("D4", 2), ("F4", 1), ("C4", 6),
            # I'm half cra-zy, all for the love of you!
            ("G4", 3), ("C5", 3), ("A4", 3), ("F4", 3),
            ("D4", 1), ("E4", 1), ("F4", 1), ("G4", 2), ("A4", 1), ("G4", 6),
            # It won't be a sty-lish mar-riage,
            ("A4", 1), ("Bb4", 1), ("A4", 1), ("G4", 1), ("C5", 2),
            ("A4", 1), ("G4", 2), ("F4", 3),
            # I can't af-ford a car-riage,
            ("G4", 1), ("A4", 2), ("F4", 1), ("D4", 2),
            ("F4", 1), ("D4", 2), ("C4", 3),
            # But you'll look sweet up-on the seat
            ("F4", 1), ("A4", 1), ("G4", 1), ("C4", 3),
            ("F4", 1), ("A4", 1), ("G4", 1), ("A4", 2),
            # of a bi-cy-cle built for two.
            ("A4", F(1, 2)), ("Bb4", F(1, 2)), ("C5", 1), ("A4", 1), ("F4", 1),
            ("G4", 2), ("C4", 1), ("F4", 6),
        ],
        chords=[
            ("F", 3),                                            # count-in
            ("F", 12), ("Bb", 6), ("F", 6),                      # Daisy, Daisy ... do
            ("C7", 6), ("F", 6), ("G7", 6), ("C7", 6),           # I'm half crazy ... you
            ("F", 3), ("C7", 6), ("F", 3),                       # It won't be ... marriage
            ("F", 3), ("Bb", 6), ("C7", 3),                      # I can't afford ... carriage
            ("F", 3), ("C7", 3), ("F", 9),                       # But you'll look sweet ... seat of a
            ("C7", 3), ("F", 3), ("F", 3),                       # built for two
        ],
    ),
    dict(
        file="A Long Way to Tipperary", fmt="ogg", track=2,
        title="It's a Long Way to Tipperary",
        artist="Jack Judge and Harry Williams", year=1912,
        note="Chorus. Key of F.",
        bpm=112, meter=4, start=3,
        melody=[
            # It's a | long way to Tip-per-ar-y, it's a
            ("A3", F(1, 2)), ("Bb3", F(1, 2)),
            ("C4", 1), ("C4", F(3, 2)), ("C4", F(1, 2)), ("D4", F(1, 4)), ("E4", F(1, 4)),
            ("F4", F(3, 2)), ("A4", 1), ("r", 1), ("A4", F(1, 2)), ("G4", F(1, 2)),
            # long way to go. It's a
            ("F4", 1), ("D4", F(3, 2)), ("F4", F(1, 2)), ("C4", 3), ("r", 1),
            ("A3", F(1, 2)), ("Bb3", F(1, 2)),
            # long way to Tip-per-ar-y, to the sweet-est girl I know!
            ("C4", 1), ("C4", F(3, 2)), ("C4", F(1, 2)), ("D4", F(1, 4)), ("E4", F(1, 4)),
            ("F4", F(3, 2)), ("A4", 1), ("r", 1), ("F4", F(1, 2)), ("F#4", F(1, 2)),
            ("G4", F(1, 2)), ("D4", F(3, 2)), ("E4", 1), ("F4", F(1, 2)),
            ("G4", F(7, 2)), ("r", 1),
            # Good-bye, Pic-ca-dil-ly, fare-well, Lei-cester Square! It's a
            ("C4", 1), ("C4", 2), ("D4", T), ("E4", T), ("F4", T), ("A4", 3), ("r", 1),
            ("Bb4", 1), ("D4", 1), ("F4", F(1, 2)), ("G4", F(3, 2)),
            ("A4", 2), ("r", 1), ("F4", F(1, 2)), ("G4", F(1, 2)),
            # long, long way to Tip-per-ar-y, but my heart's right there.
            ("A4", 1), ("A4", 1), ("A4", F(1, 4)), ("G4", F(1, 4)), ("F4", F(1, 2)),
            ("G4", T), ("F4", T), ("D4", 2 + T), ("C4", F(1, 2)), ("r", F(1, 2)), ("F4", 1),
            ("A4", 1), ("F4", 2), ("G4", 1), ("F4", 4),
        ],
        chords=[
            ("F", 4),                                            # count-in
            ("F", 8), ("Bb", 4), ("F", 4),                       # ... it's a long way to go
            ("F", 8), ("G7", 2), ("C7", 6),                      # ... sweetest girl I know
            ("F", 8), ("Bb", 4), ("F", 4),                       # Goodbye ... Leicester Square
            ("F", 3), ("G7", 3), ("C7", 2), ("F", 3), ("C7", 1),  # ... heart's right
            ("F", 4),                                            # there
        ],
    ),
    dict(
        file="Oh Susanna", fmt="wav", track=3,
        title="Oh! Susanna",
        artist="Stephen Foster", year=1848,
        note="First half of the verse and the chorus. Key of C.",
        bpm=112, meter=2, start=3,
        melody=[
            # I come from Al-a-bam-a with my ban-jo on my knee,
            ("C4", F(1, 2)), ("D4", F(1, 2)),
            ("E4", F(1, 2)), ("G4", F(1, 2)), ("G4", F(1, 2)), ("A4", F(1, 2)),
            ("G4", F(1, 2)), ("E4", F(1, 2)), ("C4", F(3, 4)), ("D4", F(1, 4)),
            ("E4", F(1, 2)), ("E4", F(1, 2)), ("D4", F(1, 2)), ("D4", F(3, 2)),
            # I'm go-ing to Lou-i-si-an-a, my true love for to see.
            ("C4", F(1, 2)), ("D4", F(1, 2)),
            ("E4", F(1, 2)), ("G4", F(1, 2)), ("G4", F(3, 4)), ("A4", F(1, 4)),
            ("G4", F(1, 2)), ("E4", F(1, 2)), ("C4", F(3, 4)), ("D4", F(1, 4)),
            ("E4", F(1, 2)), ("E4", F(1, 2)), ("D4", F(1, 2)), ("D4", F(1, 2)),
            ("C4", F(3, 2)), ("r", F(1, 2)),
            # Oh! Su-san-na, oh don't you cry for me, for I
            ("F4", 1), ("F4", 1), ("A4", 1), ("A4", 1),
            ("A4", F(1, 2)), ("G4", F(1, 2)), ("G4", F(1, 2)), ("E4", F(1, 2)),
            ("C4", F(1, 2)), ("D4", 1), ("C4", F(1, 4)), ("D4", F(1, 4)),
            # come from Al-a-bam-a with my ban-jo on my knee.
            ("E4", F(1, 2)), ("G4", F(1, 2)), ("G4", F(1, 2)), ("A4", F(1, 2)),
            ("G4", F(1, 2)), ("E4", F(1, 2)), ("C4", F(3, 4)), ("D4", F(1, 4)),
            ("E4", F(1, 2)), ("E4", F(1, 2)), ("D4", F(1, 2)), ("D4", F(1, 2)),
            ("C4", 2),
        ],
        chords=[
            ("C", 4),                                            # count-in (two bars)
            ("C", 5), ("G7", 3),                                 # ... banjo on my knee
            ("C", 5), ("G7", 1), ("C", 2),                       # ... true love for to see
            ("F", 4), ("C", 2), ("G7", 2),                       # Oh! Susanna ... for me
            ("C", 5), ("G7", 1),                                 # ... on my
            ("C", 2),                                            # knee
        ],
    ),
    dict(
        file="My Bonnie Lies Over the Ocean", fmt="flac", track=4,
        title="My Bonnie Lies Over the Ocean",
        artist="Traditional", year=1881,
        note="Verse. Key of G. Scottish folk song, first printed 1881.",
        bpm=132, meter=3, start=2,
        melody=[
            # My Bon-nie lies o-ver the o-cean,
            ("D4", 1),
            ("B4", F(3, 2)), ("A4", F(1, 2)), ("G4", 1), ("A4", 1), ("G4", 1), ("E4", 1),
            ("D4", 1), ("B3", 4),
            # My Bon-nie lies o-ver the sea,
            ("D4", 1),
            ("B4", F(3, 2)), ("A4", F(1, 2)), ("G4", 1), ("G4", 1), ("F#4", 1), ("G4", 1),
            ("A4", 5),
            # My Bon-nie lies o-ver the o-cean,
            ("D4", 1),
            ("B4", F(3, 2)), ("A4", F(1, 2)), ("G4", 1), ("A4", 1), ("G4", 1), ("E4", 1),
            ("D4", 1), ("B3", 4),
            # Oh bring back my Bon-nie to me.
            ("D4", 1),
            ("E4", 1), ("A4", 1), ("G4", 1), ("F#4", 1), ("E4", 1), ("F#4", 1),
            ("G4", 6),
        ],
        chords=[
            ("G", 3),                                            # count-in
            ("G", 3), ("C", 3), ("G", 6),                        # ... over the ocean
            ("G", 3), ("A7", 3), ("D", 3), ("D7", 3),            # ... over the sea
            ("G", 3), ("C", 3), ("G", 6),                        # ... over the ocean
            ("C", 3), ("D7", 3), ("G", 3),                       # ... Bonnie to
            ("G", 3),                                            # me
        ],
    ),
]

# --------------------------------------------------------------------------
# Pitches and chords
# --------------------------------------------------------------------------

_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_QUALITY = {"": (0, 4, 7), "m": (0, 3, 7), "7": (0, 4, 7, 10), "m7": (0, 3, 7, 10),
            "6": (0, 4, 7, 9), "dim": (0, 3, 6)}


def _pitch_class(name):
    """'Bb4' -> (10, '4'): pitch class and whatever follows the accidentals."""
    pc, rest = _PC[name[0]], name[1:]
    while rest[:1] in ("#", "b"):
        pc += 1 if rest[0] == "#" else -1
        rest = rest[1:]
    return pc, rest


def midi(note):
    """'C4' -> 60, 'F#3' -> 54, 'Bb4' -> 70 (the octave number goes with the letter)."""
    pc, octave = _pitch_class(note)
    return 12 * (int(octave) + 1) + pc


def freq(m):
    return 440.0 * 2.0 ** ((m - 69) / 12.0)


def chord_notes(symbol):
    """Root pitch class and the chord's pitch classes, e.g. 'Bb' or 'G7'."""
    root, quality = _pitch_class(symbol)
    root %= 12
    return root, [(root + i) % 12 for i in _QUALITY[quality]]


def in_range(pc, low):
    """The MIDI note of pitch class pc at or just above `low`."""
    return low + (pc - low) % 12


# --------------------------------------------------------------------------
# Sound
# --------------------------------------------------------------------------

TWO_PI = 2.0 * math.pi


def tone(f0, seconds, amp, partials, attack, tau, sustain=0.0, tau_hold=4.0,
         bright_tau=0.6, release=0.1):
    """A plucked/struck tone: a sum of harmonics under a soft envelope.

    Raised-cosine attack, an exponential fall (time constant `tau`) towards a
    `sustain` level that itself fades slowly (`tau_hold`), upper harmonics dying
    away faster (`bright_tau`), and a raised-cosine release after `seconds`.
    """
    n_on = max(1, int(round(seconds * SR)))
    n_rel = int(round(release * SR))
    n = n_on + n_rel
    n_att = max(1, int(round(attack * SR)))
    out = [0.0] * n
    d1 = math.exp(-1.0 / (tau * SR))
    d2 = math.exp(-1.0 / (tau_hold * SR))
    for k, (mult, level) in enumerate(partials):
        f = f0 * mult
        if f >= SR / 2 * 0.9:
            continue
        w = TWO_PI * f / SR
        db = math.exp(-k / (bright_tau * SR)) if k else 1.0
        fall, hold, bright = 1.0, 1.0, 1.0
        a = amp * level
        for i in range(n):
            env = (sustain + (1.0 - sustain) * fall) * hold * bright
            if i < n_att:
                env *= 0.5 - 0.5 * math.cos(math.pi * i / n_att)
            if i >= n_on:
                env *= 0.5 + 0.5 * math.cos(math.pi * (i - n_on) / n_rel)
            out[i] += a * env * math.sin(w * i)
            fall *= d1
            hold *= d2
            bright *= db
    return out


MELODY = dict(partials=[(1, 1.0), (2, 0.32), (3, 0.13), (4, 0.05), (5, 0.02)],
              attack=0.015, tau=0.28, sustain=0.5, tau_hold=3.0, bright_tau=0.5,
              release=0.12)
BASS = dict(partials=[(1, 1.0), (2, 0.3), (3, 0.08)],
            attack=0.01, tau=0.55, bright_tau=0.4, release=0.08)
CHORD = dict(partials=[(1, 1.0), (2, 0.22), (3, 0.05)],
             attack=0.012, tau=0.3, bright_tau=0.3, release=0.08)
HELD = dict(partials=[(1, 1.0), (2, 0.25), (3, 0.06)],
            attack=0.02, tau=1.6, bright_tau=0.8, release=0.4)

MELODY_AMP, BASS_AMP, CHORD_AMP = 1.0, 0.42, 0.14
BASS_LOW, CHORD_LOW = 41, 53          # bass from F2 up, chords from F3 up
TAIL_SECONDS = 2.0

PATTERNS = {  # beat in bar -> what plays there
    2: [(0, "bass"), (1, "chord")],
    3: [(0, "bass"), (1, "chord"), (2, "chord")],
    4: [(0, "bass"), (1, "chord"), (2, "fifth"), (3, "chord")],
}


def mix_in(buf, start, samples):
    end = start + len(samples)
    if end > len(buf):
        buf.extend([0.0] * (end - len(buf)))
    buf[start:end] = map(operator.add, buf[start:end], samples)


def render(song):
    spb = F(60, song["bpm"])                      # seconds per beat, exact

    def at(beat):                                 # beat -> sample index, exact
        return int(round(beat * spb * SR))

    def secs(beats):
        return float(beats * spb)

    buf = []

    # Melody.
    beat = F(song["start"])
    for note, beats in song["melody"]:
        beats = F(beats)
        if note != "r":
            hold = secs(beats) * 0.93             # a breath between notes
            mix_in(buf, at(beat), tone(freq(midi(note)), hold, MELODY_AMP, **MELODY))
        beat += beats
    melody_end = beat

    # Accompaniment.
    chords, t = [], F(0)
    for symbol, beats in song["chords"]:
        chords.append((t, F(beats), symbol))
        t += F(beats)
    if t != melody_end:
        raise SystemExit("%s: chords last %s beats, melody %s" % (song["file"], t, melody_end))

    meter = song["meter"]
    *body, (last_start, _, last_symbol) = chords
    for start, beats, symbol in body:
        root, pcs = chord_notes(symbol)
        b = start
        while b < start + beats:
            bar_beat = b % meter
            for pos, kind in PATTERNS[meter]:
                if pos != bar_beat:
                    continue
                if kind == "chord":
                    for pc in pcs:
                        m = in_range(pc, CHORD_LOW)
                        mix_in(buf, at(b), tone(freq(m), secs(F(6, 10)), CHORD_AMP, **CHORD))
                else:
                    pc = root if kind == "bass" else (root + 7) % 12
                    m = in_range(pc, BASS_LOW)
                    mix_in(buf, at(b), tone(freq(m), secs(F(9, 10)), BASS_AMP, **BASS))
            b += 1

    # The last chord rings under the final note and into the tail.
    root, pcs = chord_notes(last_symbol)
    ring = secs(melody_end - last_start) + TAIL_SECONDS - 0.4
    mix_in(buf, at(last_start), tone(freq(in_range(root, BASS_LOW)), ring, BASS_AMP, **HELD))
    for pc in pcs:
        mix_in(buf, at(last_start), tone(freq(in_range(pc, CHORD_LOW)), ring,
                                         CHORD_AMP * 1.2, **HELD))

    total = at(melody_end) + int(TAIL_SECONDS * SR)
    buf = buf[:total] + [0.0] * max(0, total - len(buf))
    fade = int(0.5 * SR)                          # make sure it ends in silence
    for i in range(fade):
        buf[total - fade + i] *= 0.5 + 0.5 * math.cos(math.pi * i / fade)

    peak = max(abs(x) for x in buf)
    scale = PEAK * 32767.0 / peak
    return [int(round(x * scale)) for x in buf]


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------

def tags(song):
    return [
        ("TITLE", song["title"]),
        ("ARTIST", song["artist"]),
        ("COMPOSER", song["artist"]),
        ("ALBUM", ALBUM),
        ("DATE", str(song["year"])),
        ("TRACKNUMBER", str(song["track"])),
        ("GENRE", "Sing-along"),
        ("COMMENT", "Public-domain melody. " + song["note"]
         + " Rendered by Refrain's assets/music/generate.py."),
    ]


def _riff_chunk(cid, payload):
    pad = b"\0" if len(payload) % 2 else b""
    return cid + struct.pack("<I", len(payload)) + payload + pad


def info_chunk(song):
    """A RIFF LIST/INFO chunk with the song's tags."""
    fields = [(b"INAM", song["title"]), (b"IART", song["artist"]), (b"IPRD", ALBUM),
              (b"ICRD", str(song["year"])), (b"IPRT", str(song["track"])),
              (b"IGNR", "Sing-along"), (b"ICMT", dict(tags(song))["COMMENT"]),
              (b"ISFT", "Refrain assets/music/generate.py")]
    body = b"INFO" + b"".join(_riff_chunk(cid, text.encode("utf-8") + b"\0")
                              for cid, text in fields)
    return _riff_chunk(b"LIST", body)


def write_wav(path, samples, song=None):
    data = struct.pack("<%dh" % len(samples), *samples)
    fmt = struct.pack("<HHIIHH", 1, 1, SR, SR * 2, 2, 16)   # PCM, mono, 16-bit
    body = b"WAVE" + _riff_chunk(b"fmt ", fmt)
    if song is not None:
        body += info_chunk(song)                  # before "data", where readers look
    body += _riff_chunk(b"data", data)
    with open(path, "wb") as f:
        f.write(_riff_chunk(b"RIFF", body))


def encode(sox, wav, out, fmt, song):
    cmd = [sox, "-D", "-R", "-V1", wav]
    cmd += ["-C", "8"] if fmt == "flac" else ["-C", "5"]   # FLAC level 8; Vorbis quality 5
    for i, (key, value) in enumerate(tags(song)):
        cmd += ["--comment" if i == 0 else "--add-comment", "%s=%s" % (key, value)]
    cmd.append(out)
    subprocess.run(cmd, check=True)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=here, help="where to write the tracks (default: %(default)s)")
    ap.add_argument("--keep-wav", metavar="DIR", help="also keep every song's WAV master here")
    args = ap.parse_args()

    sox = shutil.which("sox")
    if sox is None:
        sys.exit("sox not found: apt-get install -y sox libsox-fmt-all")
    os.makedirs(args.out, exist_ok=True)
    work = args.keep_wav or tempfile.mkdtemp(prefix="refrain-music-")
    os.makedirs(work, exist_ok=True)
    try:
        for song in SONGS:
            samples = render(song)
            master = os.path.join(work, song["file"] + ".wav")
            write_wav(master, samples, song)
            out = os.path.join(args.out, "%s.%s" % (song["file"], song["fmt"]))
            if song["fmt"] == "wav":
                shutil.copyfile(master, out)
            else:
                encode(sox, master, out, song["fmt"], song)
            print("%-40s %5.1f s  wav sha256 %s" % (os.path.basename(out),
                                                      len(samples) / SR, sha256(master)))
    finally:
        if not args.keep_wav:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
