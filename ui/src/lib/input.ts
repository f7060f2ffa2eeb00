// Building the core's input records from UI state.
import type { Attendee, AttendeeInput, Consent, InformationNeeds } from './bindings';

export function emptyConsent(): Consent {
  return { given: false, date: null };
}

export function emptyInformationNeeds(): InformationNeeds {
  return {
    largePrint: false,
    easyRead: false,
    contactViaCarer: false,
    interpreter: false,
    interpreterLanguage: '',
    hearingLoop: false,
  };
}

export function emptyAttendeeInput(): AttendeeInput {
  return {
    fullName: '',
    preferredName: '',
    dateOfBirth: '',
    phone: '',
    email: '',
    carerName: '',
    accessNeeds: '',
    communicationNeeds: '',
    informationNeeds: emptyInformationNeeds(),
    notes: '',
    consentParticipation: emptyConsent(),
    consentMedia: emptyConsent(),
    consentShareOutcomes: emptyConsent(),
  };
}

export function attendeeToInput(a: Attendee): AttendeeInput {
  return {
    fullName: a.fullName,
    preferredName: a.preferredName,
    dateOfBirth: a.dateOfBirth ?? '',
    phone: a.phone,
    email: a.email,
    carerName: a.carerName,
    accessNeeds: a.accessNeeds,
    communicationNeeds: a.communicationNeeds,
    informationNeeds: { ...a.informationNeeds },
    notes: a.notes,
    consentParticipation: { ...a.consentParticipation },
    consentMedia: { ...a.consentMedia },
    consentShareOutcomes: { ...a.consentShareOutcomes },
  };
}

/** An empty date box means "no date", which the core wants as null. */
export function cleanConsent(c: Consent): Consent {
  const d = c.date?.trim() ?? '';
  return { given: c.given, date: d === '' ? null : d };
}
