import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecapitoError } from '../errors.ts';
import {
  PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_SPECIAL_CHARACTERS, checkPassword, describePolicy, isPasswordAcceptable,
} from './index.ts';
import type { PasswordViolation, PasswordViolationCode } from './index.ts';

const codes = (pw: string, opts?: { minLength?: number; maxLength?: number }): PasswordViolationCode[] => checkPassword(pw, opts).map((v) => v.code);
const seen = new Map<PasswordViolationCode, PasswordViolation>();
function check(pw: string, expected: PasswordViolationCode[], opts?: { minLength?: number; maxLength?: number }): PasswordViolation[] {
  const found = checkPassword(pw, opts);
  assert.deepEqual(found.map((v) => v.code), expected, `password ${JSON.stringify(pw)}`);
  for (const v of found) {
    seen.set(v.code, v);
    assert.ok(v.message.it.length > 10 && v.message.en.length > 10);
    assert.notEqual(v.message.it, v.message.en);
    if (pw.length >= 4) assert.ok(!v.message.it.includes(pw) && !v.message.en.includes(pw), 'messages never quote the password');
  }
  return found;
}

describe('password policy', () => {
  it('accepts a password meeting every rule, at exactly the minimum length', () => {
    check('Abcdef1!', []);
    assert.equal(isPasswordAcceptable('Abcdef1!'), true);
    assert.equal(PASSWORD_MIN_LENGTH, 8);
  });

  it('reports each rule alone', () => {
    check('Abcde1!', ['PASSWORD_TOO_SHORT']);
    check('abcdef1!', ['PASSWORD_NO_UPPER']);
    check('ABCDEF1!', ['PASSWORD_NO_LOWER']);
    check('Abcdefg!', ['PASSWORD_NO_DIGIT']);
    check('Abcdefg1', ['PASSWORD_NO_SPECIAL']);
    check('Abbbcd1!', ['PASSWORD_REPEATED_CHARS']);
    check('Abcd ef1!', ['PASSWORD_FORBIDDEN_CHAR']);
    check(`Ab1!${'xy'.repeat(63)}`, ['PASSWORD_TOO_LONG']);
  });

  it('reports combinations in a fixed order', () => {
    check('', ['PASSWORD_TOO_SHORT', 'PASSWORD_NO_UPPER', 'PASSWORD_NO_LOWER', 'PASSWORD_NO_DIGIT', 'PASSWORD_NO_SPECIAL']);
    check('aaa', ['PASSWORD_TOO_SHORT', 'PASSWORD_NO_UPPER', 'PASSWORD_NO_DIGIT', 'PASSWORD_NO_SPECIAL', 'PASSWORD_REPEATED_CHARS']);
    check('password', ['PASSWORD_NO_UPPER', 'PASSWORD_NO_DIGIT', 'PASSWORD_NO_SPECIAL']);
    check('PASSWORD 111', ['PASSWORD_NO_LOWER', 'PASSWORD_NO_SPECIAL', 'PASSWORD_REPEATED_CHARS', 'PASSWORD_FORBIDDEN_CHAR']);
  });

  it('handles the length boundaries in code points', () => {
    assert.deepEqual(codes('Abcde1!'), ['PASSWORD_TOO_SHORT']);
    assert.deepEqual(codes('Abcdef1!'), []);
    const at = `Ab1!${'xy'.repeat(62)}`.slice(0, PASSWORD_MAX_LENGTH);
    assert.equal(at.length, 128);
    assert.deepEqual(codes(at), []);
    assert.deepEqual(codes(`${at}z`), ['PASSWORD_TOO_LONG']);
    assert.deepEqual(codes('Abcdef1!', { minLength: 12 }), ['PASSWORD_TOO_SHORT']);
    assert.deepEqual(codes('Abcdef1!x', { maxLength: 8 }), ['PASSWORD_TOO_LONG']);
    assert.throws(() => checkPassword('x', { minLength: 0 }), (e: unknown) => e instanceof RecapitoError && e.code === 'PASSWORD_POLICY_INVALID');
    assert.throws(() => checkPassword('x', { minLength: 10, maxLength: 9 }), RecapitoError);
  });

  it('allows two identical consecutive characters, not three; case and position matter', () => {
    assert.deepEqual(codes('Aab11!cc'), []);
    assert.deepEqual(codes('AaAaA1!b'), []);
    assert.deepEqual(codes('Ab1!!!cd'), ['PASSWORD_REPEATED_CHARS']);
    assert.deepEqual(codes('Ab1!cddd'), ['PASSWORD_REPEATED_CHARS']);
    assert.deepEqual(codes('AAAbcd1!'), ['PASSWORD_REPEATED_CHARS']);
    assert.deepEqual(codes('aaAbcd1!'), []);
  });

  it('accepts each allowed special character, and refuses ~ \\ and space', () => {
    for (const c of PASSWORD_SPECIAL_CHARACTERS) assert.deepEqual(codes(`Abcdef1${c}`), [], `special ${c}`);
    assert.equal(PASSWORD_SPECIAL_CHARACTERS, '!"#$%&\'()*+,-./:;<=>?@[]^_`{|}');
    for (const c of ['~', '\\', ' ']) assert.deepEqual(codes(`Abcdef1${c}`), ['PASSWORD_NO_SPECIAL', 'PASSWORD_FORBIDDEN_CHAR'], `char ${JSON.stringify(c)}`);
    const [v] = check('Abcdef1!~', ['PASSWORD_FORBIDDEN_CHAR']);
    assert.match(v!.message.it, /tilde/);
    assert.match(v!.message.en, /tilde/);
  });

  it('refuses non-ASCII letters, which do not count as upper or lower case', () => {
    const [v] = check('Perché1!', ['PASSWORD_FORBIDDEN_CHAR']);
    assert.match(v!.message.it, /lettere accentate/);
    assert.match(v!.message.en, /accented/);
    check('ÀÈÌÒÙàèìò1!', ['PASSWORD_NO_UPPER', 'PASSWORD_NO_LOWER', 'PASSWORD_FORBIDDEN_CHAR']);
    check('Пароль12!Ab', ['PASSWORD_FORBIDDEN_CHAR']);
    check('Abcdef1!\u00a0', ['PASSWORD_FORBIDDEN_CHAR']);
    check('Abcdef1!\u200b', ['PASSWORD_FORBIDDEN_CHAR']);
  });

  it('counts an emoji as one character', () => {
    assert.equal('Ab1!😀😀x'.length, 9); // UTF-16 units
    assert.deepEqual(codes('Ab1!😀😀x'), ['PASSWORD_TOO_SHORT', 'PASSWORD_FORBIDDEN_CHAR']); // 7 code points
    const [short] = checkPassword('Ab1!😀😀x');
    assert.match(short!.message.en, /has 7 characters/);
    assert.match(short!.message.it, /ha 7 caratteri/);
    check('Ab1!😀😀😀x', ['PASSWORD_REPEATED_CHARS', 'PASSWORD_FORBIDDEN_CHAR']);
    const [v] = check('Abcdef1!🔑', ['PASSWORD_FORBIDDEN_CHAR']);
    assert.match(v!.message.it, /emoji/);
    assert.deepEqual(codes('Abcdef1!\ud800'), ['PASSWORD_FORBIDDEN_CHAR'], 'a lone surrogate is one forbidden unit');
  });

  it('writes grammatical singular and plural', () => {
    const [one] = checkPassword('A', { minLength: 2 });
    assert.match(one!.message.it, /ha 1 carattere, ne servono almeno 2\. Aggiungi ancora 1 carattere\./);
    assert.match(one!.message.en, /has 1 character and needs at least 2\. Add 1 more character\./);
    const [empty] = checkPassword('');
    assert.match(empty!.message.it, /vuota/);
  });

  it('has both languages for every violation code', () => {
    check('Abcde1!', ['PASSWORD_TOO_SHORT']);
    const all: PasswordViolationCode[] = [
      'PASSWORD_TOO_SHORT', 'PASSWORD_TOO_LONG', 'PASSWORD_NO_UPPER', 'PASSWORD_NO_LOWER', 'PASSWORD_NO_DIGIT',
      'PASSWORD_NO_SPECIAL', 'PASSWORD_REPEATED_CHARS', 'PASSWORD_FORBIDDEN_CHAR',
    ];
    for (const code of all) {
      const v = seen.get(code);
      assert.ok(v, `no test produced ${code}`);
      assert.ok(v.message.it.trim() !== '' && v.message.en.trim() !== '');
    }
    assert.match(seen.get('PASSWORD_NO_SPECIAL')!.message.it, /carattere speciale.*! " # \$/);
    assert.match(seen.get('PASSWORD_REPEATED_CHARS')!.message.it, /più di due volte di seguito/);
    assert.match(seen.get('PASSWORD_TOO_LONG')!.message.it, /massimo è 128/);
  });

  it('describes the policy for help screens in both languages', () => {
    const it_ = describePolicy('it');
    const en = describePolicy('en');
    assert.match(it_, /almeno 8 caratteri/);
    assert.match(it_, /maiuscola e una minuscola/);
    assert.match(it_, /più di due caratteri uguali consecutivi/);
    assert.match(en, /at least 8 characters/);
    for (const text of [it_, en]) {
      for (const c of PASSWORD_SPECIAL_CHARACTERS) assert.ok(text.includes(c), `special ${c} listed`);
      assert.equal(text.split('\n').length, 7);
    }
    assert.match(describePolicy('en', { minLength: 12 }), /at least 12 characters/);
  });
});
