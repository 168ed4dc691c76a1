// A CSV export saved to a file with progress. The response is read as a stream: where the
// browser lets a page write a file it chose (the File System Access API, Chromium on https or
// localhost) the bytes go straight to disk and memory stays flat; elsewhere they are collected
// into a Blob and handed to the browser's download, so memory holds the whole file once
// (browsers move large Blobs to disk). A refusal arrives before any file is chosen.
import { apiErrorOf } from '../api/http.ts';

export type DownloadOutcome =
  | { kind: 'saved'; bytes: number; fileName: string }
  | { kind: 'cancelled' }
  | { kind: 'refused'; status: number; message: string; retryAfterSeconds?: number }
  | { kind: 'network'; message: string };

interface FileSink {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

type SaveFilePicker = (options: { suggestedName: string; types?: Array<{ description: string; accept: Record<string, string[]> }> }) => Promise<{
  createWritable(): Promise<{ write(chunk: Uint8Array): Promise<void>; close(): Promise<void>; abort(): Promise<void> }>;
}>;

/** The file name the server suggests in Content-Disposition, or a plain fallback. */
export function fileNameOf(contentDisposition: string | null, fallback: string): string {
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(contentDisposition ?? '');
  const name = match?.[1] ? decodeURIComponent(match[1]).replace(/[\\/]/g, '_') : '';
  return name || fallback;
}

function blobSink(fileName: string, type: string): FileSink {
  let chunks: Uint8Array[] = [];
  return {
    async write(chunk) {
      chunks.push(chunk);
    },
    async close() {
      const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type }));
      chunks = [];
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      // The download has taken its own reference by the next task.
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
    async abort() {
      chunks = [];
    },
  };
}

/** A file the user picks, written as the bytes arrive; undefined when the browser cannot. */
async function pickedFileSink(fileName: string): Promise<FileSink | 'cancelled' | undefined> {
  const picker = (globalThis as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;
  if (typeof picker !== 'function') return undefined;
  try {
    const handle = await picker({ suggestedName: fileName, types: [{ description: 'CSV', accept: { 'text/csv': ['.csv'] } }] });
    const writable = await handle.createWritable();
    return { write: (chunk) => writable.write(chunk), close: () => writable.close(), abort: () => writable.abort() };
  } catch (error) {
    if ((error as Error).name === 'AbortError') return 'cancelled';
    return undefined; // not allowed here (no user gesture left, policy): fall back to a Blob
  }
}

export async function downloadExport(
  url: string,
  options: { fallbackName: string; onProgress: (bytes: number) => void; signal?: AbortSignal },
): Promise<DownloadOutcome> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/csv' }, signal: options.signal });
  } catch (error) {
    return { kind: 'network', message: (error as Error).message };
  }
  if (!response.ok || !response.body) {
    const error = await apiErrorOf(response);
    return { kind: 'refused', status: error.status, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  }
  const fileName = fileNameOf(response.headers.get('Content-Disposition'), options.fallbackName);
  const picked = await pickedFileSink(fileName);
  if (picked === 'cancelled') {
    await response.body.cancel();
    return { kind: 'cancelled' };
  }
  const sink = picked ?? blobSink(fileName, response.headers.get('Content-Type') ?? 'text/csv');
  const reader = response.body.getReader();
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      await sink.write(value);
      options.onProgress(bytes);
    }
  } catch (error) {
    await sink.abort().catch(() => {});
    return { kind: 'network', message: (error as Error).message };
  }
  await sink.close();
  return { kind: 'saved', bytes, fileName };
}
