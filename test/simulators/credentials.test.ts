import {
  ExpectedCredential,
  hashPassword,
  passwordMatches,
  saltedPasswordFields,
  unguessablePassword,
} from '../../src/simulators/kit/credentials';
import { z } from 'zod';

describe("the simulators' credentials", () => {
  it('keeps a password as a fresh salt and a hash, never as itself, in the form a state file accepts', () => {
    const first = hashPassword('Corr3ct-Horse');
    const second = hashPassword('Corr3ct-Horse');
    expect(first.salt).not.toBe(second.salt);
    expect(first.passwordHash).not.toBe(second.passwordHash);
    expect(JSON.stringify(first)).not.toContain('Corr3ct-Horse');
    expect(z.object(saltedPasswordFields).safeParse(first).success).toBe(true);
  });

  it('tells the right password from a wrong one, whatever its length', () => {
    const stored = hashPassword('Corr3ct-Horse');
    expect(passwordMatches(stored, 'Corr3ct-Horse')).toBe(true);
    for (const wrong of ['', 'corr3ct-horse', 'Corr3ct-Horse ', 'x'.repeat(1_000)]) {
      expect(passwordMatches(stored, wrong)).toBe(false);
    }
  });

  it('compares an expected credential with what is given, whatever its length', () => {
    const apiKey = new ExpectedCredential('key-0123456789');
    expect(apiKey.matches('key-0123456789')).toBe(true);
    for (const wrong of ['', 'key-012345678', 'KEY-0123456789', 'key-0123456789-and-more']) {
      expect(apiKey.matches(wrong)).toBe(false);
    }
  });

  it('makes a password nobody can guess for a seeded user given none', () => {
    const passwords = new Set(Array.from({ length: 50 }, () => unguessablePassword()));
    expect(passwords.size).toBe(50);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});
