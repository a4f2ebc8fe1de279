/**
 * A private, throw-away Dovecot (Debian's dovecot-imapd and dovecot-pop3d packages) for the
 * interop tests and benchmarks: its own configuration, certificate, users and maildirs in a
 * temporary folder, listening on 127.0.0.1 on free ports. The system's Dovecot service is never
 * used nor touched. Runs as root (mail files belong to `nobody`, Dovecot's own `dovecot` and
 * `dovenull` users run the internal and login processes) or as an ordinary user (everything
 * runs as that user, without chroot).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, run } from '../support/two-providers.ts';

export interface DovecotInstance {
  readonly host: '127.0.0.1';
  readonly ports: { imap: number; imaps: number; pop3: number; pop3s: number };
  readonly users: string[];
  readonly password: string;
  /** The self-signed certificate of the listeners (for localhost and 127.0.0.1). */
  readonly caFile: string;
  readonly baseDir: string;
  stop(): Promise<void>;
  /** The master process and all its descendants (for memory measurements). */
  pids(): Promise<number[]>;
}

export interface DovecotOptions {
  /** Login names, full addresses (default one user, utente@pec.example.test). */
  users?: string[];
  password?: string;
  /** Extra dovecot.conf lines, appended last (they override what comes before). */
  extraConfig?: string[];
}

const SETPRIV = '/usr/bin/setpriv';
const DOVECOT = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p)) ?? 'dovecot';

/** Whether Dovecot with its IMAP and POP3 servers is installed (`.ci/run` installs it). */
export function dovecotAvailable(): boolean {
  return existsSync(DOVECOT) && existsSync('/usr/lib/dovecot/imap') && existsSync('/usr/lib/dovecot/pop3');
}

async function idOf(name: string): Promise<{ uid: number; gid: number } | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length >= 4) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

async function groupName(gid: number): Promise<string> {
  const group = await readFile('/etc/group', 'utf8').catch(() => '');
  for (const line of group.split('\n')) {
    const f = line.split(':');
    if (Number(f[2]) === gid && f[0]) return f[0];
  }
  return String(gid);
}

function config(o: {
  base: string; ports: DovecotInstance['ports']; internalUser: string; loginUser: string; nonRootGroup?: string; extra: string[];
}): string {
  const b = o.base;
  const dh = existsSync('/usr/share/dovecot/dh.pem') ? 'ssl_dh = </usr/share/dovecot/dh.pem' : '';
  const special = (name: string, use: string): string => `  mailbox ${name} {\n    special_use = \\${use}\n    auto = subscribe\n  }`;
  const listener = (name: string, port: number, ssl: boolean): string =>
    `  inet_listener ${name} {\n    address = 127.0.0.1\n    port = ${port}\n${ssl ? '    ssl = yes\n' : ''}  }`;
  return [
    '# private test instance: everything lives under this folder',
    `instance_name = interop-${b.split('/').pop()}`,
    `base_dir = ${b}/run`,
    `state_dir = ${b}/state`,
    'protocols = imap pop3',
    'listen = 127.0.0.1',
    `log_path = ${b}/log/dovecot.log`,
    `info_log_path = ${b}/log/info.log`,
    `default_internal_user = ${o.internalUser}`,
    `default_login_user = ${o.loginUser}`,
    'first_valid_uid = 1',
    'first_valid_gid = 1',
    'ssl = yes',
    `ssl_cert = <${b}/ssl/cert.pem`,
    `ssl_key = <${b}/ssl/key.pem`,
    dh,
    // Plaintext LOGIN/USER only after STARTTLS/STLS (the loopback source counts as secured:
    // the scripts connect from 127.0.0.2 to see the refusal).
    'disable_plaintext_auth = yes',
    'auth_mechanisms = plain login',
    'auth_failure_delay = 0',
    // No growing per-IP penalty after failed logins (every client here comes from loopback).
    'service anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}',
    'passdb {',
    '  driver = passwd-file',
    `  args = scheme=PLAIN username_format=%u ${b}/etc/passwd`,
    '}',
    'userdb {',
    '  driver = passwd-file',
    `  args = username_format=%u ${b}/etc/passwd`,
    '}',
    'mail_location = maildir:~/Maildir',
    'mail_fsync = never',
    'namespace inbox {',
    '  inbox = yes',
    '  separator = /',
    special('Sent', 'Sent'), special('Drafts', 'Drafts'), special('Trash', 'Trash'), special('Junk', 'Junk'), special('Archive', 'Archive'),
    '}',
    'mail_plugins = $mail_plugins quota',
    'plugin {',
    '  quota = count:User quota',
    '  quota_rule = *:storage=2G',
    '  quota_vsizes = yes',
    '}',
    'protocol imap {',
    '  mail_plugins = $mail_plugins imap_quota',
    '  mail_max_userip_connections = 100',
    '}',
    'protocol pop3 {',
    '  mail_max_userip_connections = 20',
    '}',
    'service imap-login {',
    listener('imap', o.ports.imap, false), listener('imaps', o.ports.imaps, true),
    '}',
    'service pop3-login {',
    listener('pop3', o.ports.pop3, false), listener('pop3s', o.ports.pop3s, true),
    '}',
    ...(o.nonRootGroup !== undefined
      ? [`default_internal_group = ${o.nonRootGroup}`, ...['anvil', 'imap-login', 'pop3-login'].map((s) => `service ${s} {\n  chroot =\n}`)]
      : []),
    ...o.extra,
    '',
  ].join('\n');
}

/** Resolves once the IMAP greeting arrives on the plain port. */
function greeting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let buf = '';
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(2000, () => done(false));
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\n')) done(buf.startsWith('* OK'));
    });
    s.on('error', () => done(false));
  });
}

/** A process and all its descendants, read from /proc (for memory sampling). */
export async function descendants(root: number): Promise<number[]> {
  const parent = new Map<number, number>();
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[1]) parent.set(Number(name), Number(fields[1]));
  }
  if (!parent.has(root)) return [];
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i]) out.push(pid);
  return out;
}

export async function startDovecot(opts: DovecotOptions = {}): Promise<DovecotInstance> {
  const users = opts.users ?? ['utente@pec.example.test'];
  const password = opts.password ?? 'Prova.Imap-2026';
  if (!dovecotAvailable()) throw new Error('dovecot (dovecot-imapd, dovecot-pop3d) is not installed; .ci/run installs it');
  for (const u of users) if (/[:\s]/.test(u)) throw new Error(`user name not allowed in a passwd-file: ${u}`);
  if (/[:\n]/.test(password)) throw new Error('password must not contain ":" nor a line break (passwd-file)');
  const base = await mkdtemp(join(tmpdir(), 'recapito-dovecot-'));
  try {
    // Mail processes run as another user when we are root: they must reach their homes.
    await chmod(base, 0o755);
    for (const d of ['etc', 'run', 'state', 'log', 'ssl', 'home']) await mkdir(join(base, d), { mode: 0o755 });
    const root = process.getuid?.() === 0;
    const mail = root ? await idOf('nobody') : undefined;
    const uid = mail?.uid ?? process.getuid?.() ?? 0;
    const gid = mail?.gid ?? process.getgid?.() ?? 0;
    if (root) await chown(join(base, 'home'), uid, gid);

    const caFile = join(base, 'ssl', 'cert.pem');
    const ssl = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(base, 'ssl', 'key.pem'), '-out', caFile], 60_000);
    if (ssl.code !== 0) throw new Error(`openssl req failed: ${ssl.stderr}`);
    await chmod(join(base, 'ssl', 'key.pem'), 0o600);

    // passwd-file: user:{PLAIN}password:uid:gid::home::extra fields (nodelay: a failed login is
    // answered at once, as tests try wrong passwords on purpose).
    await writeFile(join(base, 'etc', 'passwd'), users.map((u) => `${u}:{PLAIN}${password}:${uid}:${gid}::${join(base, 'home', u)}::nodelay=yes\n`).join(''), { mode: 0o644 });

    const ports = { imap: await freePort(), imaps: await freePort(), pop3: await freePort(), pop3s: await freePort() };
    const me = userInfo().username;
    const conf = join(base, 'etc', 'dovecot.conf');
    await writeFile(conf, config({
      base, ports, extra: opts.extraConfig ?? [],
      internalUser: root ? 'dovecot' : me, loginUser: root ? 'dovenull' : me,
      ...(root ? {} : { nonRootGroup: await groupName(process.getgid?.() ?? 0) }),
    }));

    // Own process group (stopped as a whole); with setpriv, the master also dies with this
    // process if it is killed before stop() (its children follow when the master is gone).
    const argv = [DOVECOT, '-F', '-c', conf];
    const launch = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...argv] : argv;
    const child: ChildProcess = spawn(launch[0]!, launch.slice(1), { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    let exited = false;
    const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
    child.once('error', (e) => { stderr += String(e); });
    const pid = child.pid;
    const killGroup = (sig: NodeJS.Signals, evenAfterExit = false): void => {
      if (pid === undefined || (exited && !evenAfterExit)) return;
      try { process.kill(-pid, sig); } catch { /* already gone */ }
    };
    const onExit = (): void => killGroup('SIGKILL', true);
    process.once('exit', onExit);

    let ready = false;
    for (let i = 0; i < 150 && !exited && !ready; i++) {
      ready = await greeting(ports.imap);
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    if (!ready) {
      killGroup('SIGKILL');
      process.off('exit', onExit);
      const log = await readFile(join(base, 'log', 'dovecot.log'), 'utf8').catch(() => '');
      throw new Error(`dovecot did not start: ${stderr}\n${log.split('\n').slice(-20).join('\n')}`);
    }

    let stopping: Promise<void> | undefined;
    return {
      host: '127.0.0.1', ports, users, password, caFile, baseDir: base,
      pids: () => (pid === undefined || exited ? Promise.resolve([]) : descendants(pid)),
      stop() {
        stopping ??= (async () => {
          killGroup('SIGTERM');
          const t = setTimeout(() => killGroup('SIGKILL'), 5000);
          await exit;
          clearTimeout(t);
          // Children (imap, pop3, auth) may outlive the master by a moment.
          killGroup('SIGKILL', true);
          process.off('exit', onExit);
          if (process.env['RECAPITO_KEEP_INTEROP']) process.stderr.write(`dovecot kept in ${base}\n`);
          else await rm(base, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
  } catch (err) {
    await rm(base, { recursive: true, force: true });
    throw err;
  }
}
