//! Answering referrals in time: the practice's deadline, the "Awaiting a
//! reply" list and its overdue ones, and declines with their reasons.

use chrono::Days;
use refrain_core::model::*;
use refrain_core::store::today;
use refrain_core::validate::fmt_date;
use refrain_core::Store;

use crate::support::store;

fn person(store: &mut Store, name: &str) -> Attendee {
    store
        .create_attendee(&AttendeeInput {
            full_name: name.into(),
            ..Default::default()
        })
        .unwrap()
}

fn days_ago(n: u64) -> String {
    fmt_date(today() - Days::new(n))
}

fn referred(store: &mut Store, who: &Attendee, days: u64) -> Referral {
    store
        .add_referral(&ReferralInput {
            attendee_id: who.id.clone(),
            source: ReferralSource::GpLinkWorker,
            referrer_name: "Chris Doyle".into(),
            referrer_organisation: "Mill Lane Surgery".into(),
            received_on: days_ago(days),
            reasons: vec![ReferralReason::Loneliness],
            reason_notes: String::new(),
        })
        .unwrap()
}

fn waiting(store: &Store) -> Vec<(String, u32, bool)> {
    store
        .referrals_awaiting_reply()
        .unwrap()
        .referrals
        .into_iter()
        .map(|r| (r.full_name, r.days_waiting, r.overdue))
        .collect()
}

#[test]
fn a_referral_unanswered_for_15_days_is_overdue_and_an_answer_takes_it_off_the_list() {
    let (_dir, mut store) = store();
    let (ann, bea, cal) = (
        person(&mut store, "Ann Fifteen"),
        person(&mut store, "Bea Fourteen"),
        person(&mut store, "Cal Today"),
    );
    let a = referred(&mut store, &ann, 15);
    referred(&mut store, &bea, 14);
    referred(&mut store, &cal, 0);

    let list = store.referrals_awaiting_reply().unwrap();
    assert_eq!(list.response_days, 14, "two weeks unless the practice says");
    assert_eq!(list.overdue, 1);
    assert_eq!(
        waiting(&store),
        [
            ("Ann Fifteen".to_string(), 15, true),
            ("Bea Fourteen".to_string(), 14, false),
            ("Cal Today".to_string(), 0, false),
        ],
        "the longest waiting first; the 14th day is still in time"
    );
    assert_eq!(list.referrals[0].due_on, days_ago(1));
    assert_eq!(list.referrals[0].referrer, "Chris Doyle, Mill Lane Surgery");

    // Being in touch is not an answer: still waiting.
    store
        .set_referral_status(&a.id, ReferralStatus::Contacted, &days_ago(2), "", None)
        .unwrap();
    assert_eq!(waiting(&store).len(), 3);
    // Accepting answers it.
    let r = store
        .set_referral_status(&a.id, ReferralStatus::Accepted, &days_ago(0), "", None)
        .unwrap();
    assert_eq!(r.status, ReferralStatus::Accepted);
    assert_eq!(
        waiting(&store)
            .iter()
            .map(|w| w.0.as_str())
            .collect::<Vec<_>>(),
        ["Bea Fourteen", "Cal Today"]
    );
    assert_eq!(store.referrals_awaiting_reply().unwrap().overdue, 0);
    // A person archived is no longer waited on.
    store.archive_attendee(&cal.id).unwrap();
    assert_eq!(waiting(&store).len(), 1);
}

#[test]
fn the_deadline_is_the_practices_and_a_bad_one_is_refused() {
    let (_dir, mut store) = store();
    let ann = person(&mut store, "Ann Fifteen");
    referred(&mut store, &ann, 15);
    assert_eq!(
        store.practice_settings().unwrap().referral_response_days,
        14
    );
    let s = store
        .set_practice_settings(&PracticeSettings {
            referral_response_days: 21,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(s.referral_response_days, 21);
    let list = store.referrals_awaiting_reply().unwrap();
    assert_eq!((list.response_days, list.overdue), (21, 0));
    assert_eq!(list.referrals[0].due_on, fmt_date(today() + Days::new(6)));

    for bad in [0, 91] {
        let e = store
            .set_practice_settings(&PracticeSettings {
                referral_response_days: bad,
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(e.field(), Some("referralResponseDays"), "{bad}");
    }
    assert_eq!(
        store.practice_settings().unwrap().referral_response_days,
        21,
        "a refused change leaves the setting as it was"
    );
}

#[test]
fn a_decline_needs_its_reason_and_keeps_it_in_the_history() {
    let (_dir, mut store) = store();
    let ann = person(&mut store, "Ann Declined");
    let r = referred(&mut store, &ann, 3);
    let on = days_ago(1);

    let e = store
        .set_referral_status(&r.id, ReferralStatus::Declined, &on, "", None)
        .unwrap_err();
    assert_eq!(e.field(), Some("declineReason"));
    let e = store
        .set_referral_status(
            &r.id,
            ReferralStatus::Declined,
            &on,
            "  ",
            Some(DeclineReason::Other),
        )
        .unwrap_err();
    assert_eq!(e.field(), Some("note"), "\"other\" needs words");
    let e = store
        .set_referral_status(
            &r.id,
            ReferralStatus::Accepted,
            &on,
            "",
            Some(DeclineReason::NoPlace),
        )
        .unwrap_err();
    assert_eq!(
        e.field(),
        Some("declineReason"),
        "only a decline has a reason"
    );
    let detail = store.attendee_detail(&ann.id).unwrap();
    assert_eq!(
        detail.referrals[0].history.len(),
        1,
        "refused answers wrote nothing"
    );
    assert_eq!(waiting(&store).len(), 1);

    let r = store
        .set_referral_status(
            &r.id,
            ReferralStatus::Declined,
            &on,
            "Full until spring",
            Some(DeclineReason::NoPlace),
        )
        .unwrap();
    let last = r.history.last().unwrap();
    assert_eq!(
        (last.status, last.changed_on.as_str(), last.note.as_str()),
        (ReferralStatus::Declined, on.as_str(), "Full until spring")
    );
    assert_eq!(last.decline_reason, Some(DeclineReason::NoPlace));
    assert_eq!(r.history[0].decline_reason, None);
    assert!(waiting(&store).is_empty());
}
