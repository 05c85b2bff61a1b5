import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireStateLock, LocalStateInUseError } from '../../../local/state.js';

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
});
