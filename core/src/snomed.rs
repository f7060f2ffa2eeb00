//! The SNOMED CT concepts Refrain may put in a message back to a GP and a
//! referrer, each with its term (as the UK edition gives it) and the public
//! sources it was checked against. Only a concept marked `verified` is ever
//! written into a message; the others are kept here so that no one adds them
//! again from memory. No code is invented: a concept whose id was not found
//! (music therapy itself, ONS4, "social prescribing offered") is not here.

/// One concept, and where it was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concept {
    pub id: &'static str,
    /// The fully specified name.
    pub term: &'static str,
    /// The public sources the id and term were checked against.
    pub checked_against: &'static [&'static str],
    /// Confirmed by the sources above: only these are used.
    pub verified: bool,
}

/// The system URI of SNOMED CT, as FHIR and the PRSB standard name it.
pub const SYSTEM: &str = "http://snomed.info/sct";

/// The first contact in an episode of social prescribing care.
pub const REFERRAL_TO_SOCIAL_PRESCRIBING: Concept = Concept {
    id: "871731000000106",
    term: "Referral to social prescribing service (procedure)",
    checked_against: &[
        "NHS Transformation Partners, social prescribing FAQ",
        "Social Rx, 'What are the social prescribing SNOMED codes' \
         (socialrx.co.uk/blogs/blog/social-prescribing-snomed-codes-why-important)",
        "Greater Manchester secure data environment, social prescribing code set",
    ],
    verified: true,
};

/// The person says they do not want social prescribing at all. A provider
/// declining a referral, or a person turning down one group, is not this:
/// Refrain never writes it (kept so that no one does).
pub const SOCIAL_PRESCRIBING_DECLINED: Concept = Concept {
    id: "871711000000103",
    term: "Social prescribing declined (situation)",
    checked_against: &[
        "NHS Transformation Partners, social prescribing FAQ",
        "Social Rx, 'What are the social prescribing SNOMED codes' \
         (socialrx.co.uk/blogs/blog/social-prescribing-snomed-codes-why-important)",
    ],
    verified: true,
};

/// The support offered: music therapy is a child of this concept, but the
/// child's own id was not found, so the parent is used.
pub const ARTS_BASED_THERAPY: Concept = Concept {
    id: "302257006",
    term: "Arts-based therapy (regime/therapy)",
    checked_against: &[
        "HL7 FHIR terminology server, SNOMED CT browser (tx.fhir.org), concept 302257006: \
         'Arts-based therapy', parent of 'Music therapy'",
    ],
    verified: true,
};

/// A SWEMWBS score: found in one source only, not confirmed, so not used.
pub const SWEMWBS_SCORE: Concept = Concept {
    id: "718466001",
    term: "Short Warwick-Edinburgh Mental Well-being Scale score",
    checked_against: &["one public source only; not confirmed in a terminology browser"],
    verified: false,
};

/// A WEMWBS score: found in one source only, not confirmed, so not used.
pub const WEMWBS_SCORE: Concept = Concept {
    id: "718426000",
    term: "Warwick-Edinburgh Mental Well-being Scale score",
    checked_against: &["one public source only; not confirmed in a terminology browser"],
    verified: false,
};

/// The coded entries of a message back for the concepts wanted under their
/// headings: the one filter every message goes through, which leaves out
/// any concept not verified.
pub fn entries(
    wanted: impl IntoIterator<Item = (crate::model::MessageHeading, Concept)>,
) -> Vec<crate::model::CodedEntry> {
    wanted
        .into_iter()
        .filter(|(_, c)| c.verified)
        .map(|(heading, c)| crate::model::CodedEntry {
            heading,
            system: SYSTEM.into(),
            code: c.id.into(),
            term: c.term.into(),
            checked_against: c.checked_against.iter().map(|s| s.to_string()).collect(),
        })
        .collect()
}

/// Every concept known, verified or not.
pub const TABLE: &[Concept] = &[
    REFERRAL_TO_SOCIAL_PRESCRIBING,
    SOCIAL_PRESCRIBING_DECLINED,
    ARTS_BASED_THERAPY,
    SWEMWBS_SCORE,
    WEMWBS_SCORE,
];
