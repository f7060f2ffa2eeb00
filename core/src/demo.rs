//! Sample data for a first look at Refrain: two fictional groups, a dementia
//! singing group and a social-prescribing drop-in, with members, referrals,
//! a few past sessions with their registers, notes and before-and-after
//! wellbeing measures (the UCL umbrellas), ONS4 at the start and the end of
//! the referrals, a few people's information needs, the practice's public
//! details, and the coming weeks planned. Every name here is invented.

use chrono::{Days, NaiveDate};

use crate::error::{CoreError, Result};
use crate::model::*;
use crate::outcomes::{self, Rater, Response};
use crate::store::sessions::next_on_or_after;
use crate::store::{
    attendees, groups, instruments, notes, practitioners, referrals, register, scores, sessions,
    venues, Store,
};
use crate::validate::fmt_date;

struct Person {
    full_name: &'static str,
    preferred: &'static str,
    born: &'static str,
    carer: &'static str,
    access: &'static str,
    communication: &'static str,
    source: ReferralSource,
    referrer: &'static str,
    organisation: &'static str,
    reasons: &'static [ReferralReason],
    status: ReferralStatus,
}

const SINGING: &[Person] = &[
    Person {
        full_name: "Margaret Ellis",
        preferred: "Peggy",
        born: "1938-04-12",
        carer: "Tom Ellis (husband)",
        access: "Uses a wheelchair",
        communication: "Hard of hearing: sit on her left",
        source: ReferralSource::MemoryClinic,
        referrer: "Dr Anita Rao",
        organisation: "Ashford Memory Clinic",
        reasons: &[ReferralReason::DementiaOrMemoryLoss],
        status: ReferralStatus::Started,
    },
    Person {
        full_name: "Arthur Bennett",
        preferred: "",
        born: "1941-09-03",
        carer: "Susan Bennett (daughter)",
        access: "",
        communication: "Finds new faces hard: greet him by name",
        source: ReferralSource::SelfOrFamily,
        referrer: "Susan Bennett",
        organisation: "",
        reasons: &[
            ReferralReason::DementiaOrMemoryLoss,
            ReferralReason::Loneliness,
        ],
        status: ReferralStatus::Started,
    },
    Person {
        full_name: "Doreen Walsh",
        preferred: "Dee",
        born: "1936-01-22",
        carer: "",
        access: "Walking frame; needs a chair with arms",
        communication: "",
        source: ReferralSource::CareHome,
        referrer: "Janet Price",
        organisation: "Elm Court Care Home",
        reasons: &[ReferralReason::DementiaOrMemoryLoss],
        status: ReferralStatus::Started,
    },
    Person {
        full_name: "Harold Price",
        preferred: "Harry",
        born: "1944-06-30",
        carer: "June Price (wife)",
        access: "",
        communication: "Large-print song sheets",
        source: ReferralSource::MemoryClinic,
        referrer: "Dr Anita Rao",
        organisation: "Ashford Memory Clinic",
        reasons: &[ReferralReason::DementiaOrMemoryLoss],
        status: ReferralStatus::Started,
    },
    Person {
        full_name: "Joan Whitaker",
        preferred: "",
        born: "1939-11-08",
        carer: "",
        access: "",
        communication: "",
        source: ReferralSource::GpLinkWorker,
        referrer: "Chris Doyle",
        organisation: "Mill Lane Surgery",
        reasons: &[
            ReferralReason::DementiaOrMemoryLoss,
            ReferralReason::Loneliness,
        ],
        status: ReferralStatus::Started,
    },
    Person {
        full_name: "Stanley Cooper",
        preferred: "Stan",
        born: "1942-02-17",
        carer: "Ray Cooper (son)",
        access: "Step-free access",
        communication: "Speaks little; responds well to rhythm",
        source: ReferralSource::CareHome,
        referrer: "Janet Price",
        organisation: "Elm Court Care Home",
        reasons: &[ReferralReason::DementiaOrMemoryLoss],
        status: ReferralStatus::Started,
    },
    Person {
        full_name: "Irene Hughes",
        preferred: "",
        born: "1947-07-25",
        carer: "",
        access: "",
        communication: "Welsh is her first language",
        source: ReferralSource::SelfOrFamily,
        referrer: "Gwen Hughes",
        organisation: "",
        reasons: &[ReferralReason::DementiaOrMemoryLoss],
        status: ReferralStatus::Accepted,
    },
    Person {
        full_name: "Frank Osei",
        preferred: "",
        born: "1945-03-14",
        carer: "Abena Osei (wife)",
        access: "",
        communication: "",
        source: ReferralSource::MemoryClinic,
        referrer: "Dr Anita Rao",
        organisation: "Ashford Memory Clinic",
        reasons: &[ReferralReason::DementiaOrMemoryLoss],
        status: ReferralStatus::Started,
    },
];

const DROP_IN: &[Person] = &[
    Person {
        full_name: "Sarah Collins",
        preferred: "",
        born: "1979-05-02",
        carer: "",
        access: "",
        communication: "",
        source: ReferralSource::GpLinkWorker,
        referrer: "Chris Doyle",
        organisation: "Mill Lane Surgery",
        reasons: &[ReferralReason::Anxiety, ReferralReason::Loneliness],
        status: ReferralStatus::Started,
    },
    Person {
        full_name: "David Okafor",
        preferred: "Dave",
        born: "1961-12-19",
        carer: "",
        access: "",
        communication: "",
        source: ReferralSource::SocialPrescriber,
        referrer: "Maya Patel",
        organisation: "Ashford Primary Care Network",
        reasons: &[ReferralReason::Loneliness],
        status: ReferralStatus::Started,
    },
    Person {
        full_name: "Linda Marsh",
        preferred: "",
        born: "1955-08-07",
        carer: "",
        access: "Hearing aids: hearing loop helps",
        communication: "",
        source: ReferralSource::GpLinkWorker,
        referrer: "Chris Doyle",
        organisation: "Mill Lane Surgery",
        reasons: &[ReferralReason::Depression, ReferralReason::Loneliness],
        status: ReferralStatus::Started,
    },
    Person {
        full_name: "Mohammed Rahman",
        preferred: "Mo",
        born: "1988-03-28",
        carer: "",
        access: "",
        communication: "",
        source: ReferralSource::LocalOrganisation,
        referrer: "Kate Shaw",
        organisation: "Ashford Carers' Hub",
        reasons: &[ReferralReason::Anxiety],
        status: ReferralStatus::Started,
    },
    Person {
        full_name: "Karen Lewis",
        preferred: "",
        born: "1970-10-11",
        carer: "",
        access: "",
        communication: "Prefers to sit near the door",
        source: ReferralSource::SocialPrescriber,
        referrer: "Maya Patel",
        organisation: "Ashford Primary Care Network",
        reasons: &[ReferralReason::Anxiety, ReferralReason::Depression],
        status: ReferralStatus::Started,
    },
    Person {
        full_name: "Gareth Jones",
        preferred: "",
        born: "1958-01-30",
        carer: "",
        access: "",
        communication: "",
        source: ReferralSource::GpLinkWorker,
        referrer: "Chris Doyle",
        organisation: "Mill Lane Surgery",
        reasons: &[ReferralReason::Loneliness],
        status: ReferralStatus::Contacted,
    },
    Person {
        full_name: "Emily Fraser",
        preferred: "Em",
        born: "1992-06-16",
        carer: "",
        access: "",
        communication: "",
        source: ReferralSource::SelfOrFamily,
        referrer: "",
        organisation: "",
        reasons: &[ReferralReason::Anxiety],
        status: ReferralStatus::Started,
    },
];

/// A few people's communication and information needs, so the register and
/// their pages show what the flags look like.
fn information_needs(full_name: &str) -> InformationNeeds {
    match full_name {
        "Margaret Ellis" => InformationNeeds {
            large_print: true,
            contact_via_carer: true,
            ..Default::default()
        },
        "Linda Marsh" => InformationNeeds {
            hearing_loop: true,
            ..Default::default()
        },
        "Frank Osei" => InformationNeeds {
            contact_via_carer: true,
            easy_read: true,
            ..Default::default()
        },
        _ => InformationNeeds::default(),
    }
}

/// The practice's public details, for the Open Referral UK export. The
/// addresses are the reserved example ones.
fn practice_details() -> PracticeDetails {
    PracticeDetails {
        name: "Ashford Music Therapy".into(),
        description: "Music therapy groups in Ashford for people living with dementia, their \
                      carers, and adults referred through social prescribing."
            .into(),
        email: "groups@example.org".into(),
        phone: "01234 567890".into(),
        website: "https://example.org".into(),
    }
}

const SINGING_NOTES: &[&str] = &[
    "Warm-up with names and a clapping rhythm. Daisy Bell and Pack Up Your Troubles went down well; Peggy led the second verse. Stan kept the beat on the tambourine throughout.",
    "A quieter week. We slowed the tempo for It's a Long Way to Tipperary and several people joined in by the chorus. Tea and reminiscence about dance halls afterwards.",
    "Good energy. Arthur recognised We'll Meet Again straight away and sang every word. Dee needed a break halfway; back for the last two songs.",
    "Seasonal songs. Carers joined the circle for the final song.",
];

const PERSON_NOTES: &[&str] = &[
    "Settled quickly and sang the chorus of every song. Smiled and tapped along to Daisy Bell; \
     chose the last song.",
    "Quieter today. Joined in with the shakers in the second half and stayed for tea.",
];

const DROP_IN_NOTES: &[&str] = &[
    "Drum circle to start, then a group song choice. Two people shared what music means to them. Mo stayed for tea afterwards for the first time.",
    "Singing and body percussion. Sarah said she had been looking forward to it all week.",
    "Songwriting: the group wrote a verse together about the river. Lots of laughter.",
    "Listening and chat. Quieter, but everyone took part in the final song.",
];

/// Loads the sample records into an empty store, in one transaction. Dates
/// are placed around `today`: four past sessions per group with their
/// registers, and the coming weeks planned. The sample music comes separately
/// ([`seed_music`]): importing files is the audio crate's job.
pub fn seed(store: &mut Store, today: NaiveDate) -> Result<()> {
    seed_records(store, today)
}

/// Notes for the setlist, by the start of a track's title.
const SETLIST_NOTES: &[(&str, &str)] = &[
    (
        "Daisy Bell",
        "Warm-up: sway in three. Everyone knows the chorus.",
    ),
    (
        "A Long Way to Tipperary",
        "Marching feel: tap knees. Key of F.",
    ),
    ("My Bonnie", "Arms up on \"Bring back\". Gentle, key of G."),
    ("Oh Susanna", "Shakers out for the chorus. Key of C."),
];

/// Gives the singing group a setlist of the sample `tracks` (attached to its
/// coming sessions) and one member a personal playlist.
pub fn seed_music(store: &mut Store, today: NaiveDate, mut tracks: Vec<Track>) -> Result<()> {
    if tracks.is_empty() {
        return Ok(());
    }
    let note_of = |t: &Track| {
        SETLIST_NOTES
            .iter()
            .find(|(title, _)| t.title.starts_with(title) || t.original_name.starts_with(title))
            .map(|(_, n)| *n)
    };
    // The setlist's order: the tracks the notes name, in that order, then the rest.
    tracks.sort_by_key(|t| {
        SETLIST_NOTES
            .iter()
            .position(|(title, _)| t.title.starts_with(title) || t.original_name.starts_with(title))
            .unwrap_or(usize::MAX)
    });
    let groups = store.list_groups(false)?;
    let Some(singing) = groups.iter().find(|g| g.name.starts_with("Thursday")) else {
        return Ok(());
    };
    let setlist = store.create_playlist(
        PlaylistKind::Setlist,
        &PlaylistInput {
            name: "Thursday warm-ups and favourites".into(),
            group_id: Some(singing.id.clone()),
            attendee_id: None,
        },
    )?;
    for t in &tracks {
        store.add_to_playlist(&setlist.id, &t.id, note_of(t).unwrap_or(""))?;
    }
    for s in store.sessions_of_group(&singing.id, 100)? {
        if s.status != SessionStatus::Cancelled && s.date.as_str() >= fmt_date(today).as_str() {
            store.attach_setlist(&s.id, Some(&setlist.id))?;
        }
    }
    let detail = store.group_detail(&singing.id)?;
    if let Some(member) = detail.members.first() {
        let person = store.attendee(&member.attendee_id)?;
        let called = register::call_name(&person.full_name, &person.preferred_name);
        let personal = store.create_playlist(
            PlaylistKind::Personal,
            &PlaylistInput {
                name: format!("{called}'s songs"),
                group_id: None,
                attendee_id: Some(person.id.clone()),
            },
        )?;
        let picks = [
            ("Daisy Bell", "Her wedding song: sings every word."),
            ("My Bonnie", ""),
        ];
        for (title, note) in picks {
            if let Some(t) = tracks.iter().find(|t| t.title.starts_with(title)) {
                store.add_to_playlist(&personal.id, &t.id, note)?;
            }
        }
    }
    Ok(())
}

fn seed_records(store: &mut Store, today: NaiveDate) -> Result<()> {
    if !store.is_empty()? {
        return Err(CoreError::Conflict(
            "Sample data can only be loaded into an empty Refrain, so that it never mixes with \
             real records."
                .into(),
        ));
    }
    store.write(|tx| {
        let hall = venues::create(
            tx,
            &VenueInput {
                name: "St Mark's Church Hall".into(),
                address: "12 Vicarage Lane, Ashford".into(),
                access_notes:
                    "Step-free entrance by the side door. Hearing loop in the main hall. \
                               Free parking behind the church."
                        .into(),
            },
        )?;
        let centre = venues::create(
            tx,
            &VenueInput {
                name: "Riverside Community Centre".into(),
                address: "3 Mill Street, Ashford".into(),
                access_notes: "Lift to the first floor. Accessible toilet. On-street parking only."
                    .into(),
            },
        )?;
        let plans = [
            (
                GroupInput {
                    name: "Thursday Singing for the Brain".into(),
                    description: "A friendly singing group for people living with dementia and \
                                  those who care for them."
                        .into(),
                    venue_id: Some(hall.id.clone()),
                    weekday: Some(Weekday::Thursday),
                    start_time: "10:30".into(),
                    end_time: "12:00".into(),
                    capacity: Some(20),
                    facilitators: "Alex Morgan (music therapist), Priya Shah (volunteer)".into(),
                    eligibility: "People living with dementia, with a family member or carer \
                                  if they wish."
                        .into(),
                    minimum_age: None,
                    maximum_age: None,
                },
                SINGING,
                SINGING_NOTES,
            ),
            (
                GroupInput {
                    name: "Wednesday Drop-in".into(),
                    description: "A social-prescribing music drop-in for adults referred by GP \
                                  link workers: singing, drumming and a cup of tea."
                        .into(),
                    venue_id: Some(centre.id.clone()),
                    weekday: Some(Weekday::Wednesday),
                    start_time: "13:30".into(),
                    end_time: "15:00".into(),
                    capacity: Some(16),
                    facilitators: "Alex Morgan (music therapist)".into(),
                    eligibility: "Adults referred by their GP practice or a social prescribing \
                                  link worker."
                        .into(),
                    minimum_age: Some(18),
                    maximum_age: None,
                },
                DROP_IN,
                DROP_IN_NOTES,
            ),
        ];
        let therapist = practitioners::create(
            tx,
            &PractitionerInput {
                name: "Alex Morgan".into(),
                hcpc_number: "AS12345".into(),
            },
        )?;
        for (gi, (input, people, notes)) in plans.iter().enumerate() {
            let group = groups::create(tx, input)?;
            // Everyone joined a week before the first of the four past
            // sessions, so their referrals fall inside the Reports screen's
            // usual period (this month and the two before) and its
            // programme summary shows the start and the end paired.
            let joined = today - Days::new(35);
            let mut ids = Vec::new();
            let mut referral_ids = Vec::new();
            for p in people.iter() {
                let person = attendees::create(
                    tx,
                    &AttendeeInput {
                        full_name: p.full_name.into(),
                        preferred_name: p.preferred.into(),
                        date_of_birth: p.born.into(),
                        carer_name: p.carer.into(),
                        access_needs: p.access.into(),
                        communication_needs: p.communication.into(),
                        information_needs: information_needs(p.full_name),
                        consent_participation: Consent {
                            given: true,
                            date: Some(fmt_date(joined)),
                        },
                        consent_media: Consent {
                            given: ids.len() % 3 != 1,
                            date: Some(fmt_date(joined)),
                        },
                        consent_share_outcomes: Consent {
                            given: ids.len() % 4 != 2,
                            date: Some(fmt_date(joined)),
                        },
                        ..Default::default()
                    },
                )?;
                // Someone still waiting for an answer came in recently,
                // and is just past the practice's two weeks, so Today's
                // "Awaiting a reply" shows what overdue looks like.
                let received = if p.status == ReferralStatus::Contacted {
                    today - Days::new(u64::from(referrals::DEFAULT_RESPONSE_DAYS) + 2)
                } else {
                    joined - Days::new(10 + ids.len() as u64)
                };
                let referral = referrals::create(
                    tx,
                    &ReferralInput {
                        attendee_id: person.id.clone(),
                        source: p.source,
                        referrer_name: p.referrer.into(),
                        referrer_organisation: p.organisation.into(),
                        received_on: fmt_date(received),
                        reasons: p.reasons.to_vec(),
                        reason_notes: String::new(),
                    },
                )?;
                // Answered within two to nine days, and started on joining.
                let steps = [
                    (ReferralStatus::Contacted, 1),
                    (ReferralStatus::Accepted, 2 + ids.len() as u64),
                    (ReferralStatus::Started, 10 + ids.len() as u64),
                ];
                for (status, days) in steps {
                    referrals::set_status(
                        tx,
                        &referral.id,
                        status,
                        &fmt_date(received + Days::new(days)),
                        "",
                        None,
                    )?;
                    if status == p.status {
                        break;
                    }
                }
                if p.status == ReferralStatus::Started {
                    groups::add_member(tx, &group.id, &person.id, joined)?;
                }
                ids.push(person.id);
                referral_ids.push(referral.id);
            }

            // Four past weeks, this week and three ahead.
            let weekday = input.weekday.expect("sample groups meet weekly");
            let first = next_on_or_after(today - Days::new(28), weekday);
            let mut note_no = 0;
            for week in 0..8u64 {
                let date = first + Days::new(7 * week);
                let session = sessions::create(
                    tx,
                    &SessionInput {
                        group_id: group.id.clone(),
                        date: fmt_date(date),
                        start_time: input.start_time.clone(),
                        end_time: input.end_time.clone(),
                        ..Default::default()
                    },
                )?;
                if date >= today {
                    continue;
                }
                if gi == 1 && week == 1 {
                    tx.execute(
                        "UPDATE session SET status = 'cancelled', cancel_reason = ?2 WHERE id = ?1",
                        rusqlite::params![session.id, "Venue closed for repairs"],
                    )?;
                    continue;
                }
                for (pi, (p, id)) in people.iter().zip(&ids).enumerate() {
                    if p.status != ReferralStatus::Started {
                        continue;
                    }
                    let mark = match (pi + week as usize * 3) % 11 {
                        0 => Mark::Apologies,
                        4 => Mark::Late,
                        7 if week % 2 == 0 => Mark::Absent,
                        9 => Mark::LeftEarly,
                        _ => Mark::Present,
                    };
                    register::set_mark(tx, &session.id, id, Some(mark))?;
                    let every_third = (pi + week as usize).is_multiple_of(3);
                    if mark.attended() && !p.carer.is_empty() && !every_third {
                        register::set_carer_present(tx, &session.id, id, true)?;
                    }
                }
                notes::save_draft(tx, &session.id, None, notes[note_no % notes.len()], None)?;
                if gi == 0 && week == 3 {
                    seed_person_notes(tx, &session.id, &therapist.id)?;
                }
                note_no += 1;
            }
            seed_measures(tx, gi, &group.id, people, &ids, &referral_ids, today)?;
        }
        crate::store::practice::set_details(tx, &practice_details())?;
        Ok(())
    })
}

/// A value on a 1 to 5 scale from a few small numbers: varied, but the same
/// every time the sample data is loaded.
fn spread(seed: usize, base: i32, width: usize) -> i32 {
    base + (seed % width) as i32
}

/// Wellbeing measures on the sample sessions. Each group takes a UCL
/// umbrella before and after every session (the older adult one for the
/// singing group), answered by each person who came; most feel a little
/// better after, some the same, now and then one a little lower. Every
/// referred person who came has ONS4 at the start (their first session;
/// rated by their carer where one comes with them to the singing group),
/// except the newest, so Today shows one start measure due; and a few
/// referrals are completed at the last session with ONS4 at the end, most
/// better, one not on every question.
fn seed_measures(
    tx: &rusqlite::Connection,
    gi: usize,
    group_id: &str,
    people: &[Person],
    ids: &[String],
    referral_ids: &[String],
    today: NaiveDate,
) -> Result<()> {
    let umbrella = if gi == 0 {
        outcomes::UCL_UMBRELLA_OLDER_ADULT
    } else {
        outcomes::UCL_UMBRELLA_GENERIC
    };
    instruments::set_group(
        tx,
        group_id,
        &[GroupInstrumentChoice {
            instrument_key: umbrella.into(),
            rater: Rater::SelfReport,
        }],
    )?;
    let items: Vec<String> = outcomes::builtin(umbrella)
        .expect("the UCL umbrellas are built in")
        .items
        .into_iter()
        .map(|i| i.key)
        .collect();
    let held: Vec<(String, String)> = tx
        .prepare(
            "SELECT id, date FROM session
              WHERE group_id = ?1 AND status <> 'cancelled' AND date < ?2
              ORDER BY date",
        )?
        .query_map(rusqlite::params![group_id, fmt_date(today)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let came = |session: &str, person: &str| -> Result<bool> {
        Ok(tx
            .prepare_cached(
                "SELECT count(*) FROM attendance WHERE session_id = ?1 AND attendee_id = ?2
                   AND mark IN ('present', 'late', 'left_early')",
            )?
            .query_row([session, person], |r| r.get::<_, i64>(0))?
            > 0)
    };
    // How the umbrella moves from before to after: mostly up a point, some
    // the same, sometimes two up, now and then one down.
    const LIFT: [i32; 8] = [1, 1, 0, 2, 1, 0, 1, -1];
    let mut first_came: Vec<Option<String>> = vec![None; ids.len()];
    for (wi, (session, date)) in held.iter().enumerate() {
        for (pi, id) in ids.iter().enumerate() {
            if !came(session, id)? {
                continue;
            }
            first_came[pi].get_or_insert_with(|| date.clone());
            let mut before = Vec::new();
            let mut after = Vec::new();
            // Now and then a day when the session made no difference, or
            // one when the person left a little lower than they came.
            let day = (pi + wi * 2) % 6;
            for (ii, key) in items.iter().enumerate() {
                // Some people come in lower on some words than others.
                let low = i32::from((pi + ii * 2 + wi) % 5 == 0);
                let b = spread(pi * 7 + ii * 3 + wi * 5, 2, 3) - low;
                let lift = match day {
                    0 => 0,
                    5 if ii % 2 == 0 => -1,
                    5 => 0,
                    _ => LIFT[(pi * 3 + ii + wi * 2) % LIFT.len()],
                };
                let a = (b + lift).clamp(1, 5);
                before.push(Response::new(key.clone(), b));
                after.push(Response::new(key.clone(), a));
            }
            for (timing, answers) in [(Timing::Before, before), (Timing::After, after)] {
                scores::record(
                    tx,
                    &ScoreSetInput {
                        attendee_id: id.clone(),
                        session_id: Some(session.clone()),
                        instrument_key: umbrella.into(),
                        timing,
                        rater: Rater::SelfReport,
                        rater_name: String::new(),
                        taken_on: None,
                        answers,
                    },
                )?;
            }
        }
    }

    // ONS4 at the start and the end of the referrals.
    let last = held.last().map(|(_, d)| d.clone());
    let newest = people
        .iter()
        .rposition(|p| p.status == ReferralStatus::Started);
    for (pi, p) in people.iter().enumerate() {
        let Some(start_on) = &first_came[pi] else {
            continue;
        };
        if gi == 1 && Some(pi) == newest {
            continue;
        }
        let (rater, rater_name) = if gi == 0 && !p.carer.is_empty() {
            (Rater::Carer, p.carer.to_string())
        } else {
            (Rater::SelfReport, String::new())
        };
        let start = [
            ("satisfied", spread(pi, 3, 4)),
            ("worthwhile", spread(pi * 2, 4, 3)),
            ("happy", spread(pi + 1, 3, 4)),
            ("anxious", spread(pi, 5, 3)),
        ];
        let ons4 = |timing: Timing, on: &str, values: &[(&str, i32)]| {
            scores::record(
                tx,
                &ScoreSetInput {
                    attendee_id: ids[pi].clone(),
                    session_id: None,
                    instrument_key: outcomes::ONS4.into(),
                    timing,
                    rater,
                    rater_name: rater_name.clone(),
                    taken_on: Some(on.to_string()),
                    answers: values
                        .iter()
                        .map(|(k, v)| Response::new(*k, (*v).clamp(0, 10)))
                        .collect(),
                },
            )
        };
        ons4(Timing::Intake, start_on, &start)?;
        // The first and third of the drop-in and the second of the
        // singing group finish their referral at the last session.
        let finishes = if gi == 1 { pi == 0 || pi == 2 } else { pi == 1 };
        let Some(end_on) = last
            .as_deref()
            .filter(|d| finishes && *d > start_on.as_str())
        else {
            continue;
        };
        let change: [i32; 4] = if pi == 2 { [1, 1, 0, 1] } else { [2, 1, 2, -2] };
        let end: Vec<(&str, i32)> = start
            .iter()
            .zip(change)
            .map(|((k, v), c)| (*k, v + c))
            .collect();
        referrals::set_status(
            tx,
            &referral_ids[pi],
            ReferralStatus::Completed,
            end_on,
            "Finished their time with the group.",
            None,
        )?;
        ons4(Timing::Discharge, end_on, &end)?;
    }
    Ok(())
}

/// Notes about the first people who came to the singing group's last
/// session: the first signed, the next still a draft.
fn seed_person_notes(tx: &rusqlite::Connection, session_id: &str, therapist: &str) -> Result<()> {
    let came: Vec<String> = {
        let mut stmt = tx.prepare(
            "SELECT t.attendee_id FROM attendance t JOIN attendee a ON a.id = t.attendee_id
             WHERE t.session_id = ?1 AND t.mark IN ('present', 'late', 'left_early')
             ORDER BY a.full_name",
        )?;
        let rows = stmt.query_map([session_id], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (i, (attendee, body)) in came.iter().zip(PERSON_NOTES).enumerate() {
        let id = notes::save_draft(tx, session_id, Some(attendee), body, Some(therapist))?;
        if i == 0 {
            notes::sign(tx, &id, therapist)?;
        }
    }
    Ok(())
}

/// The full names of the sample people and of those who referred them: the
/// tests that prove nothing readable reaches the disk look for these.
pub fn names() -> Vec<&'static str> {
    SINGING
        .iter()
        .chain(DROP_IN.iter())
        .flat_map(|p| [p.full_name, p.referrer])
        .filter(|n| !n.is_empty())
        .collect()
}
