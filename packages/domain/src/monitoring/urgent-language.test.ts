import { describe, expect, it } from 'vitest';
import { detectUrgentLanguage, normaliseForMatching } from './urgent-language.ts';

describe('detectUrgentLanguage', () => {
  it.each([
    ['I want to kill myself', 'suicidal_ideation'],
    ["I've been thinking about suicide", 'suicidal_ideation'],
    ['honestly i dont want to be here anymore', 'suicidal_ideation'],
    ['I don’t want to live like this', 'suicidal_ideation'],
    ['Everyone would be better off without me.', 'suicidal_ideation'],
    ['I WISH I WAS DEAD', 'suicidal_ideation'],
    ['thinking of ending my life tonight', 'suicidal_ideation'],
    ['I cut myself again last night', 'self_harm'],
    ['urges to self-harm are back', 'self_harm'],
    ['I might take all my pills at once', 'overdose'],
    ['what if I overdosed on the troches', 'overdose'],
    ["I can't go on like this", 'hopelessness'],
    ['there is nothing to live for', 'hopelessness'],
  ])('flags %j (%s)', (text, category) => {
    const r = detectUrgentLanguage(text);
    expect(r.kind).toBe('urgent');
    if (r.kind === 'urgent') expect(r.matches.map((m) => m.category)).toContain(category);
  });

  it.each([
    'Killing it at work this week!',
    'This traffic is killing me',
    "I'm dying to see my sister",
    'My back is killing me after the gym',
    'I ran 10 kms today',
    "I can't go on Tuesday, can we move the session?",
    'Feeling much better, slept well',
    'The skill myself and my coach practised helped',
    'I made a killer playlist for my session',
  ])('does not flag %j', (text) => {
    expect(detectUrgentLanguage(text)).toEqual({ kind: 'none' });
  });

  it('prefers recall: a negation still reaches a clinician', () => {
    expect(detectUrgentLanguage("I'm not suicidal, just tired").kind).toBe('urgent');
  });

  it('accepts a replacement phrase list', () => {
    expect(detectUrgentLanguage('code red', [{ phrase: 'code red', category: 'suicidal_ideation' }]).kind).toBe('urgent');
    expect(detectUrgentLanguage('kill myself', []).kind).toBe('none');
  });

  it('normalises case, apostrophes and punctuation onto word boundaries', () => {
    expect(normaliseForMatching("Don’t  STOP—me!")).toBe(' dont stop me ');
  });
});
