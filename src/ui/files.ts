import type { DroppedFile } from '../core/data/dropped-set';

/** A file the user gave the lab, read into memory. `path` keeps folder structure ('cats/1.png'). */
export interface PickedFile {
  name: string;
  path: string;
  bytes: Uint8Array;
}

/** A file the user gave, not read yet: the worker checks the sizes before it reads a byte. */
export type FileRef = DroppedFile & { file: File };

/** Files picked with an <input type=file> (multiple files or a whole folder), unread. */
export function listFileList(list: FileList | File[]): FileRef[] {
  return Array.from(list).map((file) => ({ path: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name, file }));
}

/** Dropped files and folders (folders are walked recursively), unread. */
export async function listDataTransfer(transfer: DataTransfer): Promise<FileRef[]> {
  const entries = Array.from(transfer.items)
    .map((item) => item.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => Boolean(e));
  if (entries.length === 0) return listFileList(transfer.files);
  const out: FileRef[] = [];
  for (const entry of entries) await walk(entry, '', out);
  return out;
}

/** Reads files picked with an <input type=file> (multiple files or a whole folder). */
export function readFileList(list: FileList | File[]): Promise<PickedFile[]> {
  return readAll(listFileList(list));
}

/** Reads dropped files and folders (folders are walked recursively). */
export async function readDataTransfer(transfer: DataTransfer): Promise<PickedFile[]> {
  return readAll(await listDataTransfer(transfer));
}

/** Reads listed files into memory. */
export function readAll(refs: FileRef[]): Promise<PickedFile[]> {
  return Promise.all(refs.map(async ({ path, file }) => ({ name: file.name, path, bytes: new Uint8Array(await file.arrayBuffer()) })));
}

async function walk(entry: FileSystemEntry, prefix: string, out: FileRef[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path, file });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most ~100 entries per call: keep reading until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, path, out);
  }
}
