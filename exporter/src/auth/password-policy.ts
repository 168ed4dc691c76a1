import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;
/** zxcvbn's score (0–4) a new password needs: 3 is "safely unguessable" for an online attacker and hard offline. */
export const MIN_PASSWORD_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

// The dictionaries are large: loaded on the first password change, not at start-up.
function strengthEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return estimator;
}

/**
 * Why a new password is refused, or undefined when it is acceptable. The rule (docs/security.md):
 * 12 to 1024 characters, not the current password, and a zxcvbn score of at least 3 — zxcvbn
 * estimates guessability from common passwords, words, names, keyboard patterns, dates,
 * repeats and sequences, and from the account's own email and name.
 */
export function weakPasswordReason(password: string, context: { email: string; name?: string | null; currentPassword: string }): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `new password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `new password must have at most ${MAX_PASSWORD_LENGTH} characters`;
  if (password === context.currentPassword) return 'new password must differ from the current one';
  const [localPart = ''] = context.email.split('@');
  const userInputs = [context.email, localPart, ...(context.name ? context.name.split(/\s+/) : []), 'kewhats', 'monitoring'];
  const result = strengthEstimator().check(password, userInputs);
  if (result.score >= MIN_PASSWORD_SCORE) return undefined;
  const hint = [result.feedback.warning, ...result.feedback.suggestions].filter((text): text is string => Boolean(text)).join(' ');
  return `new password is too easy to guess${hint ? `: ${hint}` : ''} (a longer passphrase of unrelated words works well)`;
}
