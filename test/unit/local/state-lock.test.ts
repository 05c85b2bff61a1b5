import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireStateLock, LocalStateInUseError, resetLocalState } from '../../../local/state.js';

describe('the local state lock', () => {
  it('lets one holder at a time open a state folder, and frees it on release', async () => {
    // Prepare
    const root = join(await mkdtemp(join(tmpdir(), 'tessera-lock-')), 'state');
    // Act
    const release = await acquireStateLock(root);
    const second = acquireStateLock(root);
    // Assess
    await expect(second).rejects.toBeInstanceOf(LocalStateInUseError);
    await expect(second).rejects.toThrow(`in use by a running \`tessera local\` (process ${process.pid})`);
    await release();
    const again = await acquireStateLock(root);
    await again();
  });

  it('does not empty a state folder a running runtime holds (--fresh), and empties it once free', async () => {
    // Prepare: a runtime's database and secrets, and its lock
    const root = join(await mkdtemp(join(tmpdir(), 'tessera-lock-')), 'state');
    const release = await acquireStateLock(root);
    await mkdir(join(root, 'dynamodb'));
    await writeFile(join(root, 'dynamodb', 'CURRENT'), 'MANIFEST-000001\n');
    await writeFile(join(root, 'source-keys.json'), '{}');
    // Act
    const whileHeld = resetLocalState(root);
    // Assess
    await expect(whileHeld).rejects.toBeInstanceOf(LocalStateInUseError);
    expect((await readdir(root)).sort()).toEqual(['dynamodb', 'runtime.lock', 'source-keys.json']);
    await release();
    await resetLocalState(root);
    expect(await readdir(root)).toEqual([]);
  });
});
