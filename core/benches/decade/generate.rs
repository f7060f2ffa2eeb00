//! The decade dataset: a busy practice's ten years of records, written straight
//! into a store that `Store::open_in_dir` created (so the schema is the app's,
//! migrations and all).
//!
//! Everything is drawn from one seeded xorshift generator, ids included (UUIDv7
//! built from the record's own creation time plus seeded random bits, the same
//! format `sql::new_id` writes), so two runs on the same day produce the same
//! store. Dates are laid out around the day of generation: the past is held
//! and marked, the next few weeks are planned.
//!
//! Records are inserted in the order the app would have written them over the
//! years (week by week: new people and their referrals, joins, sessions, marks,
//! notes; leavers are UPDATEd in place), so the tables' pages interleave and
//! the indexes fill as they would in real use. Notes go into `note`, whose
//! triggers fill the `note_text` search index as the app's saves do; notes of
//! sessions more than a week old are inserted already signed (a signed note
//! can't be UPDATEd).

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};

pub const SEED: u64 = 0x5EED_DECA_DE01;

pub const VENUES: usize = 5;
pub const GROUPS: usize = 100;
/// Groups with these indexes were wound up and archived (their 500 sessions end earlier).
pub const ARCHIVED_GROUPS: [usize; 5] = [7, 29, 48, 66, 91];
pub const ATTENDEES: usize = 5_000;
pub const SESSIONS_PER_GROUP: i32 = 500;
/// People on the books when the decade starts (they fill the first groups).
const INITIAL_POOL: usize = 2_000;
/// Chance that a new member is someone new to the practice rather than
/// someone already known (moving groups, joining a second one, returning).
const P_FRESH: f64 = 0.3;
/// Weekly chance that a member leaves: a mean stay of about five years.
const P_LEAVE: f64 = 1.0 / 250.0;
const P_CANCELLED: f64 = 0.04;
/// Past sessions whose register was never filled in.
const P_UNMARKED: f64 = 0.005;
const P_NOTE: f64 = 0.85;
/// Held sessions with a note about one or two of the people there.
const P_PERSON_NOTE: f64 = 0.3;
/// Group notes mentioning the rare word (`RARE_WORD`), for the search bench.
const P_RARE: f64 = 0.002;
/// Notes of sessions more than this many days before "today" are signed;
/// the last week's are still drafts.
const DRAFT_DAYS: Day = 7;
/// The practice's one practitioner, who writes and signs every note.
pub const PRACTITIONER: (&str, &str) = ("Anna Hughes", "AS12345");
const P_WALK_IN: f64 = 0.10;

// ---------------------------------------------------------------------------
// Randomness and formatting

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }
    /// xorshift64*
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// 0..n
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }
    /// lo..=hi
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Days since 0001-01-01 (chrono's "days from CE").
type Day = i32;
const UNIX_EPOCH_DAY: i64 = 719_163;

fn day_of(d: NaiveDate) -> Day {
    d.num_days_from_ce()
}
fn date_of(day: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day).expect("day in range")
}
fn fmt_day(day: Day) -> String {
    let d = date_of(day);
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// A moment: a day and milliseconds into it (taken as UTC).
#[derive(Clone, Copy)]
struct At {
    day: Day,
    ms: i64,
}

impl At {
    fn new(day: Day, minute: i64) -> Self {
        At {
            day,
            ms: minute * 60_000,
        }
    }
    fn unix_ms(self) -> u64 {
        ((self.day as i64 - UNIX_EPOCH_DAY) * 86_400_000 + self.ms) as u64
    }
    /// RFC 3339 UTC with milliseconds, as `sql::now()` writes.
    fn rfc3339(self) -> String {
        let d = date_of(self.day);
        let s = self.ms / 1000;
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            d.year(),
            d.month(),
            d.day(),
            s / 3600,
            s / 60 % 60,
            s % 60,
            self.ms % 1000
        )
    }
}

fn hhmm(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

struct Ids(Rng);

impl Ids {
    /// A UUIDv7 stamped with the record's creation time.
    fn at(&mut self, at: At) -> String {
        let mut bytes = [0u8; 10];
        bytes[..8].copy_from_slice(&self.0.next_u64().to_le_bytes());
        bytes[8..].copy_from_slice(&self.0.next_u64().to_le_bytes()[..2]);
        uuid::Builder::from_unix_timestamp_millis(at.unix_ms(), &bytes)
            .into_uuid()
            .to_string()
    }
}

// ---------------------------------------------------------------------------
// Word lists (all invented)

const FIRST: &[&str] = &[
    "Margaret",
    "Arthur",
    "Doreen",
    "Harold",
    "Joan",
    "Kenneth",
    "Patricia",
    "Brian",
    "Sheila",
    "Derek",
    "Jean",
    "Colin",
    "Barbara",
    "Roy",
    "Maureen",
    "Dennis",
    "Pauline",
    "Keith",
    "Christine",
    "Trevor",
    "Susan",
    "Graham",
    "Linda",
    "Peter",
    "Janet",
    "Alan",
    "Carol",
    "David",
    "Valerie",
    "Michael",
    "Anne",
    "John",
    "Elaine",
    "Stephen",
    "Gillian",
    "Robert",
    "Wendy",
    "Amir",
    "Priya",
    "Tomasz",
    "Agnieszka",
    "Kwame",
    "Abena",
    "Sean",
    "Siobhan",
    "Mohammed",
    "Fatima",
    "Li",
    "Mei",
    "Olu",
    "Grace",
    "Daniel",
    "Chloe",
    "Jamie",
    "Madison",
    "Harriet",
    "Ellis",
    "Rosa",
    "Ivan",
    "Nadia",
];
const LAST: &[&str] = &[
    "Ellis",
    "Bennett",
    "Walsh",
    "Price",
    "Johnson",
    "Wilson",
    "Anderson",
    "Robinson",
    "Thompson",
    "Jackson",
    "Harrison",
    "Dawson",
    "Watson",
    "Richardson",
    "Morrison",
    "Nelson",
    "Hudson",
    "Gibson",
    "Mason",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Hughes",
    "Green",
    "Hall",
    "Wood",
    "Clarke",
    "Turner",
    "Hill",
    "Moore",
    "Cooper",
    "Ward",
    "Morris",
    "King",
    "Baker",
    "Patel",
    "Khan",
    "Ahmed",
    "Kowalski",
    "Nowak",
    "Mensah",
    "Owusu",
    "O'Brien",
    "Murphy",
    "Chen",
    "Wang",
    "Okafor",
    "Adeyemi",
    "Fletcher",
    "Marsh",
    "Holloway",
    "Pearce",
    "Lloyd",
];
const NICK: &[&str] = &[
    "Peggy", "Harry", "Dee", "Ken", "Pat", "Bri", "Sue", "Pete", "Jan", "Dave", "Mike", "Bob",
    "Val", "Chris", "Steve", "Gill", "Mo", "Danny", "Rosie", "Jo",
];
const CARERS: &[&str] = &[
    "(husband)",
    "(wife)",
    "(daughter)",
    "(son)",
    "(support worker)",
    "(friend)",
    "(partner)",
];
const ACCESS: &[&str] = &[
    "Uses a wheelchair",
    "Walking frame; needs a chair with arms",
    "Needs step-free access",
    "Uses a stick; seat near the door",
    "Guide dog",
    "Needs regular breaks",
];
const COMMUNICATION: &[&str] = &[
    "Hard of hearing: sit on her left",
    "Large-print song sheets",
    "Finds new faces hard: greet by name",
    "Uses a communication board",
    "English is a second language; Polish speaker",
    "Speaks slowly after a stroke: give time to answer",
];
const NOTES: &[&str] = &[
    "Loves Vera Lynn and anything from the war years.",
    "Was a church organist for forty years.",
    "Prefers to sit near the front.",
    "Gets anxious if the room is noisy at the start.",
    "Enjoys playing the djembe.",
    "Sometimes arrives late because of transport.",
];
const THERAPISTS: &[&str] = &[
    "Anna Hughes",
    "Ben Carter",
    "Chloe Marsh",
    "Dev Sharma",
    "Ellen Fox",
    "Femi Ade",
    "Gail Rowe",
    "Hugo Lane",
];
const THEMES: &[&str] = &[
    "Singing for the Brain",
    "Drumming Circle",
    "Memory Café Songs",
    "Community Choir",
    "Songwriting Group",
    "Rhythm & Movement",
    "Parkinson's Voice",
    "Stroke Recovery Music",
    "Tea & Tunes",
    "Men's Shed Music",
    "Carers' Singing",
    "Young Minds Band",
];
const AREAS: &[&str] = &[
    "Ashford",
    "Bramley",
    "Castleton",
    "Dunmore",
    "Eastgate",
    "Fairfield",
    "Greenhill",
    "Holmwood",
    "Ivybridge",
];
const VENUE_ROWS: [(&str, &str, &str); VENUES] = [
    (
        "St Mary's Church Hall",
        "12 Church Lane, Ashford",
        "Step-free; hearing loop; car park",
    ),
    (
        "Bramley Community Centre",
        "3 Mill Road, Bramley",
        "Lift to first floor",
    ),
    (
        "Castleton Library",
        "High Street, Castleton",
        "Accessible toilet; no parking",
    ),
    (
        "Fairfield Day Centre",
        "Fairfield Road",
        "Minibus drop-off at side door",
    ),
    (
        "Greenhill Memory Café",
        "8 The Parade, Greenhill",
        "Hearing loop; quiet room",
    ),
];
const ORGS: &[&str] = &[
    "Ashford Memory Clinic",
    "Bramley Surgery",
    "Castleton Primary Care Network",
    "Age Friendly Dunmore",
    "Elm Court Care Home",
    "Stroke Association",
    "Mind in Eastgate",
];
const CANCEL_REASONS: &[&str] = &[
    "Facilitator unwell",
    "Venue unavailable (election)",
    "Snow: roads closed",
    "Bank holiday",
    "Heating failed at the venue",
];
const NOTE_SENTENCES: &[&str] = &[
    "Warm-up with the hello song and gentle stretches; everyone joined in.",
    "Good energy today, lots of requests for Beatles songs.",
    "Two people new to the group settled in well by the second half.",
    "Call-and-response drumming went on longer than planned because the group wanted it to.",
    "Some restlessness after the break; slowed the tempo and moved to familiar songs.",
    "Carers stayed for the whole session and sang along.",
    "Tried a new arrangement of 'Daisy Bell' in two parts; worth repeating.",
    "The room was cold, so we kept moving more than usual.",
    "One member shared a memory of dancing at the Palais, which led into 'In the Mood'.",
    "Quieter session; several regulars away with colds.",
    "Songwriting: the group finished the second verse of their song about the seaside.",
    "Used scarves and shakers for the movement piece; good engagement.",
    "Ended with 'We'll Meet Again' as usual; a few tears, in a good way.",
    "Noticed more confident solo singing than last month.",
    "Follow up with the day centre about transport for next week.",
    "Instruments need cleaning before next session.",
];
/// A word no `NOTE_SENTENCES` or `PERSON_SENTENCES` has: it is only in the
/// few notes given `RARE_SENTENCE`.
pub const RARE_WORD: &str = "theremin";
const RARE_SENTENCE: &str = "Someone brought a theremin along and the group took turns to play it.";
/// A word in several `NOTE_SENTENCES` (and so in most group notes).
pub const COMMON_WORD: &str = "group";
const PERSON_SENTENCES: &[&str] = &[
    "Sang the whole of the first verse unprompted.",
    "Seemed tired today and sat out the movement piece.",
    "Chose the next song when offered two; clearly enjoyed being asked.",
    "Tapped the rhythm on the djembe for most of the session.",
    "Became tearful during 'We'll Meet Again'; talked with the carer afterwards.",
    "More withdrawn than usual; mention to the referrer at review.",
    "Led the call-and-response for the first time.",
    "Recognised the hello song straight away and joined in.",
    "Needed reassurance on arrival; settled once seated near the front.",
    "Spoke about her late husband's band between songs.",
];

// ---------------------------------------------------------------------------
// The generator

#[derive(Clone, Copy)]
enum MarkKind {
    Present,
    Late,
    LeftEarly,
    Absent,
    Apologies,
}

impl MarkKind {
    fn as_db(self) -> &'static str {
        match self {
            MarkKind::Present => "present",
            MarkKind::Late => "late",
            MarkKind::LeftEarly => "left_early",
            MarkKind::Absent => "absent",
            MarkKind::Apologies => "apologies",
        }
    }
    fn attended(self) -> bool {
        matches!(
            self,
            MarkKind::Present | MarkKind::Late | MarkKind::LeftEarly
        )
    }
    fn draw(rng: &mut Rng) -> Self {
        match rng.below(100) {
            0..=71 => MarkKind::Present,
            72..=79 => MarkKind::Late,
            80..=83 => MarkKind::LeftEarly,
            84..=90 => MarkKind::Absent,
            _ => MarkKind::Apologies,
        }
    }
}

struct GroupPlan {
    id: String,
    weekday: u32, // 1 = Monday
    start_min: i64,
    end_min: i64,
    venue: usize,
    facilitators: String,
    first_day: Day,
    last_day: Day,
    archived_on: Option<Day>,
    target: f64,
    target_end: f64,
    members: Vec<Member>,
}

#[derive(Clone)]
struct Member {
    attendee: usize,
    membership: usize,
    joined: Day,
}

struct Person {
    id: String,
    has_carer: bool,
    inserted: bool,
}

pub struct Generated {
    pub seconds: f64,
}

/// Writes the dataset into the (empty, migrated) store at `db`.
pub fn generate(db: &Path, today: NaiveDate) -> rusqlite::Result<Generated> {
    let started = std::time::Instant::now();
    let mut conn = Connection::open(db)?;
    // The audit log's triggers ask who is acting; a generated practice logs
    // every record like a real one, with nobody named.
    refrain_core::store::register_sql_functions(&conn)?;
    // Bulk-load settings for this connection only; the file keeps WAL.
    conn.execute_batch(
        "PRAGMA synchronous = OFF;
         PRAGMA cache_size = -524288;
         PRAGMA foreign_keys = OFF;
         PRAGMA temp_store = MEMORY;",
    )?;
    let tx = conn.transaction()?;
    Gen::new(&tx, today)?.run()?;
    tx.commit()?;
    // What long use would have left behind: statistics for the planner.
    conn.execute_batch("ANALYZE; PRAGMA optimize;")?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    drop(conn);
    Ok(Generated {
        seconds: started.elapsed().as_secs_f64(),
    })
}

struct Gen<'c> {
    conn: &'c Connection,
    rng: Rng,
    ids: Ids,
    today: Day,
    venues: Vec<String>,
    groups: Vec<GroupPlan>,
    people: Vec<Person>,
    /// Inserted people, for picking someone already known.
    known: Vec<usize>,
    next_fresh: usize,
    memberships: Vec<String>,
    /// Per (group, attendee): open membership, or the day they last left.
    member_of: Vec<bool>,
    left_on: Vec<Day>,
    /// Per attendee: open memberships in active groups, in any group, and the
    /// last day they left one.
    open_count: Vec<u32>,
    open_all: Vec<u32>,
    last_left: Vec<Day>,
    /// Draws for the notes, apart from `rng` so the rest of the dataset is
    /// the same as before notes were added.
    notes_rng: Rng,
    practitioner: String,
}

impl<'c> Gen<'c> {
    fn new(conn: &'c Connection, today: NaiveDate) -> rusqlite::Result<Self> {
        let mut rng = Rng::new(SEED);
        let ids = Ids(Rng::new(SEED.rotate_left(17)));
        let today = day_of(today);
        let people = (0..ATTENDEES)
            .map(|_| Person {
                id: String::new(),
                has_carer: rng.chance(0.2),
                inserted: false,
            })
            .collect();
        Ok(Gen {
            conn,
            rng,
            ids,
            today,
            venues: Vec::new(),
            groups: Vec::new(),
            people,
            known: Vec::new(),
            next_fresh: INITIAL_POOL,
            memberships: Vec::new(),
            member_of: vec![false; GROUPS * ATTENDEES],
            left_on: vec![Day::MIN; GROUPS * ATTENDEES],
            open_count: vec![0; ATTENDEES],
            open_all: vec![0; ATTENDEES],
            last_left: vec![Day::MIN; ATTENDEES],
            notes_rng: Rng::new(SEED.rotate_left(31)),
            practitioner: String::new(),
        })
    }

    fn run(mut self) -> rusqlite::Result<()> {
        self.plan_groups();
        let first = self.groups.iter().map(|g| g.first_day).min().unwrap();
        self.insert_venues(At::new(first - 60, 9 * 60))?;
        self.insert_practitioner(At::new(first - 61, 9 * 60))?;
        self.insert_groups()?;
        self.weeks(first)?;
        self.insert_waiting_list()?;
        self.archive()?;
        Ok(())
    }

    fn plan_groups(&mut self) {
        // The next occurrence of each weekday on or after today.
        let today = self.today;
        let today_wd = date_of(today).weekday().number_from_monday() as i32;
        for g in 0..GROUPS {
            let weekday = if g % 17 == 16 { 6 } else { (g % 5) as u32 + 1 };
            let start_min = *self.rng.pick(&[570, 600, 630, 660, 810, 840, 900, 1080]) as i64;
            let end_min = start_min + *self.rng.pick(&[60, 75, 90]) as i64;
            let next = today + (7 + weekday as i32 - today_wd) % 7;
            let (last_day, archived_on) = if ARCHIVED_GROUPS.contains(&g) {
                let last = next - 7 * 26 * (1 + (g % 3) as i32);
                (last, Some(last + 14))
            } else {
                (next + 7 * (3 + (g % 4) as i32), None)
            };
            let n_fac = 1 + self.rng.below(2);
            let facilitators = (0..n_fac)
                .map(|i| THERAPISTS[(g + i * 3) % THERAPISTS.len()])
                .collect::<Vec<_>>()
                .join(", ");
            let target = 35.0 + self.rng.range(0, 10) as f64;
            let target_end = 44.0 + self.rng.range(0, 12) as f64;
            self.groups.push(GroupPlan {
                id: String::new(),
                weekday,
                start_min,
                end_min,
                venue: g % VENUES,
                facilitators,
                first_day: last_day - 7 * (SESSIONS_PER_GROUP - 1),
                last_day,
                archived_on,
                target,
                target_end,
                members: Vec::new(),
            });
        }
    }

    fn insert_venues(&mut self, at: At) -> rusqlite::Result<()> {
        let mut stmt = self.conn.prepare(
            "INSERT INTO venue (id, name, address, access_notes, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        )?;
        for (i, (name, address, access)) in VENUE_ROWS.iter().enumerate() {
            let at = At::new(at.day + i as i32, at.ms / 60_000);
            let id = self.ids.at(at);
            stmt.execute(params![id, name, address, access, at.rfc3339()])?;
            self.venues.push(id);
        }
        Ok(())
    }

    fn insert_practitioner(&mut self, at: At) -> rusqlite::Result<()> {
        let id = self.ids.at(at);
        self.conn.execute(
            "INSERT INTO practitioner (id, name, hcpc_number, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?4)",
            params![id, PRACTITIONER.0, PRACTITIONER.1, at.rfc3339()],
        )?;
        self.practitioner = id;
        Ok(())
    }

    fn insert_groups(&mut self) -> rusqlite::Result<()> {
        let mut stmt = self.conn.prepare(
            "INSERT INTO practice_group (id, name, description, venue_id, weekday, start_time,
                 end_time, capacity, facilitators, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        )?;
        // In the order they were set up.
        let mut order: Vec<usize> = (0..GROUPS).collect();
        order.sort_by_key(|&g| (self.groups[g].first_day, g));
        for g in order {
            let at = At::new(self.groups[g].first_day - 30, 10 * 60 + g as i64);
            let id = self.ids.at(at);
            let plan = &self.groups[g];
            let name = format!("{} – {}", THEMES[g % THEMES.len()], AREAS[g / THEMES.len()]);
            let description = format!(
                "Weekly {} group. Open to anyone referred; carers welcome.",
                THEMES[g % THEMES.len()].to_lowercase()
            );
            let capacity: Option<i64> = if g % 3 == 0 { None } else { Some(60) };
            stmt.execute(params![
                id,
                name,
                description,
                self.venues[plan.venue],
                plan.weekday,
                hhmm(plan.start_min),
                hhmm(plan.end_min),
                capacity,
                plan.facilitators,
                at.rfc3339()
            ])?;
            self.groups[g].id = id;
        }
        Ok(())
    }

    /// Makes sure a person's record (and referral) exists before they join
    /// on `day`.
    fn ensure_person(&mut self, a: usize, day: Day) -> rusqlite::Result<()> {
        if self.people[a].inserted {
            return Ok(());
        }
        let received = day - self.rng.range(7, 60) as Day;
        self.insert_person(a, received, Some(day))
    }

    fn insert_person(
        &mut self,
        a: usize,
        received: Day,
        started: Option<Day>,
    ) -> rusqlite::Result<()> {
        let rng = &mut self.rng;
        let at = At::new(received, 9 * 60 + rng.range(0, 8 * 60));
        let id = self.ids.at(at);
        let first = *rng.pick(FIRST);
        let last = *rng.pick(LAST);
        let full_name = if rng.chance(0.15) {
            format!("{first} {}. {last}", (b'A' + rng.below(26) as u8) as char)
        } else {
            format!("{first} {last}")
        };
        let preferred = if rng.chance(0.25) {
            *rng.pick(NICK)
        } else {
            ""
        };
        let age_days = rng.range(20 * 365, 95 * 365) as Day;
        let born = fmt_day(self.today - age_days);
        let phone = format!("07700 9{:05}", rng.below(100_000));
        let email = if rng.chance(0.5) {
            format!(
                "{}.{}{}@example.org",
                first.to_lowercase(),
                last.to_lowercase().replace('\'', ""),
                rng.below(100)
            )
        } else {
            String::new()
        };
        let carer = if self.people[a].has_carer {
            format!("{} {} {}", rng.pick(FIRST), last, rng.pick(CARERS))
        } else {
            String::new()
        };
        let access = if rng.chance(0.3) {
            *rng.pick(ACCESS)
        } else {
            ""
        };
        let comms = if rng.chance(0.25) {
            *rng.pick(COMMUNICATION)
        } else {
            ""
        };
        let notes = if rng.chance(0.4) {
            *rng.pick(NOTES)
        } else {
            ""
        };
        let consent_day = fmt_day(received + 7);
        let media = rng.chance(0.6);
        let share = rng.chance(0.7);
        let ts = at.rfc3339();
        self.conn
            .prepare_cached(
                "INSERT INTO attendee (id, full_name, preferred_name, date_of_birth, phone, email,
                     carer_name, access_needs, communication_needs, notes,
                     consent_participation, consent_participation_on, consent_media,
                     consent_media_on, consent_share_outcomes, consent_share_outcomes_on,
                     created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?12, ?13, ?14, ?15,
                         ?16, ?16)",
            )?
            .execute(params![
                id,
                full_name,
                preferred,
                born,
                phone,
                email,
                carer,
                access,
                comms,
                notes,
                consent_day,
                media,
                media.then_some(&consent_day),
                share,
                share.then_some(&consent_day),
                ts
            ])?;
        self.people[a].id = id;
        self.people[a].inserted = true;
        self.known.push(a);
        self.insert_referral(a, at, started)
    }

    fn insert_referral(&mut self, a: usize, at: At, started: Option<Day>) -> rusqlite::Result<()> {
        const SOURCES: &[&str] = &[
            "gp_link_worker",
            "social_prescriber",
            "local_organisation",
            "care_home",
            "memory_clinic",
            "self_or_family",
            "other",
        ];
        const REASONS: &[&str] = &[
            "anxiety",
            "dementia_or_memory_loss",
            "depression",
            "loneliness",
            "other",
        ];
        let rng = &mut self.rng;
        let id = self.ids.at(at);
        let source = *rng.pick(SOURCES);
        let mut reasons: Vec<&str> = (0..1 + rng.below(2)).map(|_| *rng.pick(REASONS)).collect();
        reasons.sort_unstable();
        reasons.dedup();
        let reason_notes = if reasons.contains(&"other") {
            "Bereaved last year; family think music would help."
        } else {
            ""
        };
        let (referrer, org) = if source == "self_or_family" {
            (format!("{} (family)", rng.pick(FIRST)), "")
        } else {
            (
                format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
                *rng.pick(ORGS),
            )
        };
        // 1–3 status changes: received, then contacted, then started (on the day
        // they joined) or declined/withdrawn (if they never did).
        let n = 1 + rng.below(3);
        let mut changes: Vec<(&str, Day)> = vec![("received", at.day)];
        if n >= 2 {
            changes.push(("contacted", at.day + rng.range(1, 6) as Day));
        }
        if n >= 3 {
            match started {
                Some(d) => changes.push(("started", d.max(changes[1].1))),
                None => changes.push((
                    if rng.chance(0.5) {
                        "declined"
                    } else {
                        "withdrawn"
                    },
                    changes[1].1 + rng.range(1, 14) as Day,
                )),
            }
        }
        let changes: Vec<(&str, Day)> = changes.into_iter().filter(|c| c.1 <= self.today).collect();
        let status = changes.last().unwrap().0;
        let last_at = At::new(changes.last().unwrap().1, at.ms / 60_000 + 5);
        self.conn
            .prepare_cached(
                "INSERT INTO referral (id, attendee_id, source, referrer_name, referrer_organisation,
                     received_on, reasons, reason_notes, status, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                id,
                self.people[a].id,
                source,
                referrer,
                org,
                fmt_day(at.day),
                serde_json::to_string(&reasons).unwrap(),
                reason_notes,
                status,
                at.rfc3339(),
                last_at.rfc3339()
            ])?;
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO referral_status_change (id, referral_id, status, changed_on, note,
                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        )?;
        for (i, (status, day)) in changes.iter().enumerate() {
            let cat = At::new(*day, at.ms / 60_000 + 5 + i as i64);
            let note = if *status == "contacted" {
                "Phoned; happy to try a session."
            } else {
                ""
            };
            stmt.execute(params![
                self.ids.at(cat),
                id,
                status,
                fmt_day(*day),
                note,
                cat.rfc3339()
            ])?;
        }
        Ok(())
    }

    fn join(&mut self, g: usize, a: usize, day: Day) -> rusqlite::Result<()> {
        self.ensure_person(a, day)?;
        let at = At::new(day, 10 * 60 + self.rng.range(0, 400));
        let id = self.ids.at(at);
        self.conn
            .prepare_cached(
                "INSERT INTO membership (id, group_id, attendee_id, joined_on, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            )?
            .execute(params![id, self.groups[g].id, self.people[a].id, fmt_day(day), at.rfc3339()])?;
        self.memberships.push(id);
        self.member_of[g * ATTENDEES + a] = true;
        if self.groups[g].archived_on.is_none() {
            self.open_count[a] += 1;
        }
        self.open_all[a] += 1;
        self.groups[g].members.push(Member {
            attendee: a,
            membership: self.memberships.len() - 1,
            joined: day,
        });
        Ok(())
    }

    fn leave(&mut self, g: usize, idx: usize, day: Day) -> rusqlite::Result<()> {
        let m = self.groups[g].members.swap_remove(idx);
        let day = day.max(m.joined);
        let at = At::new(day, 16 * 60);
        self.conn
            .prepare_cached("UPDATE membership SET left_on = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![
                self.memberships[m.membership],
                fmt_day(day),
                at.rfc3339()
            ])?;
        self.member_of[g * ATTENDEES + m.attendee] = false;
        self.left_on[g * ATTENDEES + m.attendee] = day;
        if self.groups[g].archived_on.is_none() {
            self.open_count[m.attendee] -= 1;
        }
        self.open_all[m.attendee] -= 1;
        self.last_left[m.attendee] = self.last_left[m.attendee].max(day);
        Ok(())
    }

    /// Someone to join group `g` on `day`: new to the practice, or already known.
    fn pick_joiner(&mut self, g: usize, day: Day, initial: bool) -> Option<usize> {
        // Most people come to one group; some to two, a few to three.
        let free = |s: &mut Self, a: usize| {
            !s.member_of[g * ATTENDEES + a]
                && s.left_on[g * ATTENDEES + a] < day - 7
                && match s.open_all[a] {
                    0 => true,
                    1 => s.rng.chance(0.25),
                    2 => s.rng.chance(0.05),
                    _ => false,
                }
        };
        if initial {
            for _ in 0..100 {
                let a = self.rng.below(INITIAL_POOL);
                if free(self, a) {
                    return Some(a);
                }
            }
            return None;
        }
        if self.next_fresh < ATTENDEES && self.rng.chance(P_FRESH) {
            self.next_fresh += 1;
            return Some(self.next_fresh - 1);
        }
        for _ in 0..100 {
            let a = *self.rng.pick(&self.known);
            if free(self, a) {
                return Some(a);
            }
        }
        None
    }

    fn weeks(&mut self, first: Day) -> rusqlite::Result<()> {
        let monday0 = first - (date_of(first).weekday().num_days_from_monday() as Day);
        let last = self.groups.iter().map(|g| g.last_day).max().unwrap();
        // Groups in the order their sessions fall within a week.
        let mut order: Vec<usize> = (0..GROUPS).collect();
        order.sort_by_key(|&g| (self.groups[g].weekday, self.groups[g].start_min, g));
        let mut week_start = monday0;
        while week_start <= last {
            for &g in &order {
                let day = week_start + self.groups[g].weekday as Day - 1;
                if day < self.groups[g].first_day || day > self.groups[g].last_day {
                    continue;
                }
                self.session(g, day)?;
            }
            week_start += 7;
        }
        Ok(())
    }

    fn session(&mut self, g: usize, day: Day) -> rusqlite::Result<()> {
        let past = day < self.today;
        let plan = &self.groups[g];
        let (first_day, last_day) = (plan.first_day, plan.last_day);
        // Membership: the first cohort, then leavers and joiners week by week.
        if day == first_day {
            let n = plan.target as usize;
            for _ in 0..n {
                let joined = day - self.rng.range(0, 28) as Day;
                if let Some(a) = self.pick_joiner(g, joined, true) {
                    self.join(g, a, joined)?;
                }
            }
        } else if day <= self.today {
            let mut i = 0;
            while i < self.groups[g].members.len() {
                if self.rng.chance(P_LEAVE) {
                    let left = day - self.rng.range(0, 6) as Day;
                    self.leave(g, i, left)?;
                } else {
                    i += 1;
                }
            }
            let plan = &self.groups[g];
            let progress = (day - first_day) as f64 / (last_day - first_day) as f64;
            let target =
                (plan.target + (plan.target_end - plan.target) * progress).round() as usize;
            while self.groups[g].members.len() < target {
                let joined = day - self.rng.range(0, 6) as Day;
                match self.pick_joiner(g, joined, false) {
                    Some(a) => self.join(g, a, joined)?,
                    None => break,
                }
            }
        }

        let plan = &self.groups[g];
        let (start_min, end_min) = (plan.start_min, plan.end_min);
        let created = At::new(
            day - 7 * self.rng.range(2, 8) as Day,
            9 * 60 + self.rng.range(0, 400),
        );
        let id = self.ids.at(created);
        let venue = if self.rng.chance(0.03) {
            (plan.venue + 1) % VENUES
        } else {
            plan.venue
        };
        let facilitators = plan.facilitators.clone();
        let roll = self.rng.next_u64() as f64 / u64::MAX as f64;
        enum Outcome {
            Held,
            Cancelled,
            Unmarked,
            Planned,
        }
        let outcome = if !past {
            Outcome::Planned
        } else if roll < P_CANCELLED {
            Outcome::Cancelled
        } else if roll < P_CANCELLED + P_UNMARKED {
            Outcome::Unmarked
        } else {
            Outcome::Held
        };

        // The register: ~21 of the members on the day, sometimes a walk-in.
        let mut marks: Vec<(usize, MarkKind, bool, bool)> = Vec::new();
        match outcome {
            Outcome::Held => {
                let members = &mut self.groups[g].members;
                let n = (self.rng.range(17, 25) as usize).min(members.len());
                for k in 0..n {
                    let j = k + self.rng.below(members.len() - k);
                    members.swap(k, j);
                }
                let chosen: Vec<usize> = members[..n].iter().map(|m| m.attendee).collect();
                for a in chosen {
                    let mark = MarkKind::draw(&mut self.rng);
                    let carer = mark.attended() && self.people[a].has_carer && self.rng.chance(0.6);
                    marks.push((a, mark, carer, false));
                }
                if !marks.iter().any(|m| m.1.attended()) {
                    marks[0].1 = MarkKind::Present;
                }
                if self.rng.chance(P_WALK_IN) {
                    if let Some(&a) = (0..20)
                        .map(|_| *self.rng.pick(&self.known))
                        .collect::<Vec<_>>()
                        .iter()
                        .find(|&&a| !self.member_of[g * ATTENDEES + a])
                    {
                        marks.push((a, MarkKind::Present, false, true));
                    }
                }
            }
            Outcome::Planned if !self.groups[g].members.is_empty() && self.rng.chance(0.3) => {
                let members = &self.groups[g].members;
                for _ in 0..1 + self.rng.below(2) {
                    let a = members[self.rng.below(members.len())].attendee;
                    if !marks.iter().any(|m| m.0 == a) {
                        marks.push((a, MarkKind::Apologies, false, false));
                    }
                }
            }
            _ => {}
        }

        let (status, cancel_reason, updated) = match outcome {
            Outcome::Held => ("held", None, At::new(day, end_min + 10)),
            Outcome::Cancelled => (
                "cancelled",
                Some(*self.rng.pick(CANCEL_REASONS)),
                At::new(day - self.rng.range(0, 3) as Day, 8 * 60),
            ),
            Outcome::Unmarked | Outcome::Planned => ("planned", None, created),
        };
        let updated = if marks.is_empty() || status == "held" {
            updated
        } else {
            At::new(self.today.min(day) - 1, 12 * 60)
        };
        self.conn
            .prepare_cached(
                "INSERT INTO session (id, group_id, date, start_time, end_time, venue_id, status,
                     cancel_reason, facilitators, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                id,
                self.groups[g].id,
                fmt_day(day),
                hhmm(start_min),
                hhmm(end_min),
                self.venues[venue],
                status,
                cancel_reason,
                facilitators,
                created.rfc3339(),
                updated.rfc3339()
            ])?;

        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO attendance (id, session_id, attendee_id, mark, carer_present, walk_in,
                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        )?;
        // Who was there, for the notes about a person.
        let there: Vec<usize> = marks
            .iter()
            .filter(|m| matches!(m.1, MarkKind::Present | MarkKind::Late))
            .map(|m| m.0)
            .collect();
        for (a, mark, carer, walk_in) in marks {
            let at = if status == "held" {
                At::new(day, start_min + self.rng.range(0, 20))
            } else {
                At::new(
                    self.today.min(day) - 1 - self.rng.range(0, 3) as Day,
                    9 * 60 + self.rng.range(0, 480),
                )
            };
            stmt.execute(params![
                self.ids.at(at),
                id,
                self.people[a].id,
                mark.as_db(),
                carer,
                walk_in,
                at.rfc3339()
            ])?;
        }

        // A group wound up: its members are ended on the day it was archived.
        if day == last_day {
            if let Some(closed) = self.groups[g].archived_on {
                while !self.groups[g].members.is_empty() {
                    self.leave(g, 0, closed)?;
                }
            }
        }

        if status == "held" && self.rng.chance(P_NOTE) {
            let n = 3 + self.rng.below(4);
            let mut body = (0..n)
                .map(|_| *self.rng.pick(NOTE_SENTENCES))
                .collect::<Vec<_>>()
                .join(" ");
            if self.notes_rng.chance(P_RARE) {
                body.push(' ');
                body.push_str(RARE_SENTENCE);
            }
            self.note(&id, None, day, end_min + 30, &body)?;
        }
        if status == "held" && !there.is_empty() && self.notes_rng.chance(P_PERSON_NOTE) {
            let first = *self.notes_rng.pick(&there);
            let mut about = vec![first];
            if there.len() > 1 && self.notes_rng.chance(0.3) {
                let second = *self.notes_rng.pick(&there);
                if second != first {
                    about.push(second);
                }
            }
            for (k, a) in about.into_iter().enumerate() {
                let n = 1 + self.notes_rng.below(3);
                let body = (0..n)
                    .map(|_| *self.notes_rng.pick(PERSON_SENTENCES))
                    .collect::<Vec<_>>()
                    .join(" ");
                let person = self.people[a].id.clone();
                self.note(&id, Some(&person), day, end_min + 35 + 5 * k as i64, &body)?;
            }
        }
        Ok(())
    }

    /// A note written `minute` into the session's day, by the practice's
    /// practitioner. Sessions more than `DRAFT_DAYS` before today were signed
    /// a day or two later; the signature goes in with the INSERT, since the
    /// schema refuses any UPDATE of a signed note.
    fn note(
        &mut self,
        session_id: &str,
        attendee_id: Option<&str>,
        day: Day,
        minute: i64,
        body: &str,
    ) -> rusqlite::Result<()> {
        let at = At::new(day, minute);
        let signed = (day < self.today - DRAFT_DAYS).then(|| {
            At::new(
                day + self.notes_rng.range(0, 2) as Day,
                17 * 60 + self.notes_rng.range(0, 180),
            )
        });
        let signed_at = signed.map(At::rfc3339);
        let (signed_by, signer_name, signer_hcpc) = match signed {
            Some(_) => (
                Some(self.practitioner.as_str()),
                Some(PRACTITIONER.0),
                Some(PRACTITIONER.1),
            ),
            None => (None, None, None),
        };
        let updated = signed.unwrap_or(at).rfc3339();
        self.conn
            .prepare_cached(
                "INSERT INTO note (id, session_id, attendee_id, author_id, body, signed_at,
                     signed_by, signer_name, signer_hcpc, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                self.ids.at(at),
                session_id,
                attendee_id,
                self.practitioner,
                body,
                signed_at,
                signed_by,
                signer_name,
                signer_hcpc,
                at.rfc3339(),
                updated
            ])?;
        Ok(())
    }

    /// People referred who never joined a group: recent referrals waiting,
    /// and older ones that came to nothing.
    fn insert_waiting_list(&mut self) -> rusqlite::Result<()> {
        let missing: Vec<usize> = (0..ATTENDEES)
            .filter(|&a| !self.people[a].inserted)
            .collect();
        let n = missing.len();
        for (i, a) in missing.into_iter().enumerate() {
            let received = if i % 3 == 0 {
                self.today - self.rng.range(1, 60) as Day
            } else {
                self.today - 60 - (3000 * (n - i) / n.max(1)) as Day
            };
            self.insert_person(a, received, None)?;
        }
        Ok(())
    }

    /// Archived groups, and people long gone from every active group.
    fn archive(&mut self) -> rusqlite::Result<()> {
        for g in 0..GROUPS {
            if let Some(day) = self.groups[g].archived_on {
                let at = At::new(day, 17 * 60).rfc3339();
                self.conn.execute(
                    "UPDATE practice_group SET archived_at = ?2, updated_at = ?2 WHERE id = ?1",
                    params![self.groups[g].id, at],
                )?;
            }
        }
        let mut stmt = self
            .conn
            .prepare("UPDATE attendee SET archived_at = ?2, updated_at = ?2 WHERE id = ?1")?;
        for a in 0..ATTENDEES {
            let left = self.last_left[a];
            if self.people[a].inserted
                && self.open_count[a] == 0
                && left != Day::MIN
                && left < self.today - 365
                && self.rng.chance(0.5)
            {
                let at = At::new((left + 90).min(self.today - 1), 11 * 60).rfc3339();
                stmt.execute(params![self.people[a].id, at])?;
            }
        }
        Ok(())
    }
}

/// Row counts of the tables the dataset fills (and of the notes signed and
/// about a person), for the report.
pub fn counts(conn: &Connection) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for table in [
        "venue",
        "practitioner",
        "practice_group",
        "attendee",
        "referral",
        "referral_status_change",
        "membership",
        "session",
        "attendance",
        "note",
        "audit_log",
        "note_text",
    ] {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        out.push((table.to_string(), n));
    }
    for (label, filter) in [
        ("note (signed)", "signed_at IS NOT NULL"),
        ("note (about a person)", "attendee_id IS NOT NULL"),
    ] {
        let n: i64 = conn.query_row(
            &format!("SELECT count(*) FROM note WHERE {filter}"),
            [],
            |r| r.get(0),
        )?;
        out.push((label.to_string(), n));
    }
    Ok(out)
}
