/**
 * The documents bucket on this machine: a folder (under .tessera/documents/ in the local runtime). Object
 * metadata, which S3 keeps with the object, is a JSON file beside it under .metadata/.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { z } from 'zod';
import { DocumentKind } from '../../lambdas/core/contracts/internal-events.js';
import type {
  DocumentObjectStore,
  StoredObject,
  UploadMetadata,
} from '../../lambdas/documents-workflow/ports.js';

const Metadata = z.object({
  documentId: z.string().min(1),
  kind: DocumentKind.optional(),
  orderId: z.string().optional(),
  customerHint: z.string().optional(),
  fileName: z.string().optional(),
});

export class FolderObjectStore implements DocumentObjectStore {
  constructor(
    private readonly root: string,
    readonly bucket = 'tessera-documents-local',
  ) {}

  /** The local upload: what a PUT to the pre-signed URL does in the cloud. */
  async put(key: string, bytes: Uint8Array, metadata?: UploadMetadata): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    if (metadata) {
      const metaPath = this.pathOf(join('.metadata', `${key}.json`));
      await mkdir(dirname(metaPath), { recursive: true });
      await writeFile(metaPath, JSON.stringify(metadata));
    }
  }

  async size(key: string): Promise<number> {
    return (await stat(this.existing(key))).size;
  }

  async get(key: string): Promise<StoredObject> {
    const bytes = new Uint8Array(await readFile(this.existing(key)));
    let metadata: UploadMetadata | undefined;
    try {
      const text = await readFile(this.pathOf(join('.metadata', `${key}.json`)), 'utf8');
      metadata = Metadata.parse(JSON.parse(text)) as UploadMetadata;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return { bytes, metadata };
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.put(key, Buffer.from(JSON.stringify(value)));
  }

  async getJson(key: string): Promise<unknown> {
    return JSON.parse(await readFile(this.existing(key), 'utf8'));
  }

  private existing(key: string): string {
    return this.pathOf(key);
  }

  /** Keys are S3 keys; one that would leave the folder is refused rather than resolved. */
  private pathOf(key: string): string {
    const path = normalize(join(this.root, key));
    if (!path.startsWith(normalize(this.root) + sep))
      throw new Error(`object key ${key} leaves the bucket folder`);
    return path;
  }
}
