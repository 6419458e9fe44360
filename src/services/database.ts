// What the entry points may know about the database without reaching into src/repositories/: which operational
// bound (statement, lock or idle-transaction timeout, pool acquire) made a request fail, for its log line.
export { databaseTimeout, type DatabaseTimeout } from '../repositories/db.ts';
