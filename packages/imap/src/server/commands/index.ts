/** The command table: one handler per command (RFC 3501 §6 and the extensions). */
import type { HandlerMap } from '../context.ts';
import { append } from './append.ts';
import { authenticate } from './authenticate.ts';
import { capability } from './capability.ts';
import { close, unselect } from './close.ts';
import { copy } from './copy.ts';
import { create } from './create.ts';
import { del } from './delete.ts';
import { enable } from './enable.ts';
import { expunge } from './expunge.ts';
import { fetch } from './fetch.ts';
import { id } from './id.ts';
import { idle } from './idle.ts';
import { list } from './list.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { namespace } from './namespace.ts';
import { check, noop } from './noop.ts';
import { getquota, getquotaroot, setquota } from './quota.ts';
import { rename } from './rename.ts';
import { search } from './search.ts';
import { select } from './select.ts';
import { starttls } from './starttls.ts';
import { status } from './status.ts';
import { store } from './store.ts';
import { subscribe, unsubscribe } from './subscribe.ts';

export const HANDLERS: HandlerMap = {
  CAPABILITY: capability, NOOP: noop, LOGOUT: logout, STARTTLS: starttls, LOGIN: login, AUTHENTICATE: authenticate,
  SELECT: select, EXAMINE: select, CREATE: create, DELETE: del, RENAME: rename, SUBSCRIBE: subscribe,
  UNSUBSCRIBE: unsubscribe, LIST: list, LSUB: list, STATUS: status, APPEND: append, CHECK: check, CLOSE: close,
  UNSELECT: unselect, EXPUNGE: expunge, SEARCH: search, FETCH: fetch, STORE: store, COPY: copy, MOVE: copy,
  IDLE: idle, NAMESPACE: namespace, ID: id, ENABLE: enable, GETQUOTA: getquota, GETQUOTAROOT: getquotaroot,
  SETQUOTA: setquota,
};
