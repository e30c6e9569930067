/**
 * `npm run apikey -- <name> [reader|writer]`: creates an API key. Prints the key (give it to the
 * client; it is not stored anywhere) and the entry to append to API_KEYS (only its SHA-256 is kept).
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../src/auth';

const [name, role = 'reader'] = process.argv.slice(2);
if (!name || !/^[\w.-]+$/.test(name) || (role !== 'reader' && role !== 'writer')) {
  process.stderr.write('usage: npm run apikey -- <name of letters, digits, . _ -> [reader|writer]\n');
  process.exit(2);
}
const key = randomBytes(24).toString('base64url');
process.stdout.write(`API key for ${name} (${role}), shown once: ${key}\nAppend to API_KEYS: ${name}:${role}:${sha256Hex(key)}\n`);
