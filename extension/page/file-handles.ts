// Page world: files read through a file system handle. showOpenFilePicker, showDirectoryPicker and
// a dropped item's getAsFileSystemHandle hand the page handles, not files, so no file input or drop
// event ever sees what it reads: every file a handle gives is checked first, and a blocked one is
// refused as a read the user did not permit.
import { decide } from './verdicts.js';

const BLOCKED_MESSAGE = 'export-guard: the file contains an export of personal data and was blocked';

export function guardFileHandles(): void {
  // Only secure contexts have handles (and only some browsers have the pickers).
  if (typeof FileSystemFileHandle === 'undefined') return;
  const getFile = FileSystemFileHandle.prototype.getFile;
  FileSystemFileHandle.prototype.getFile = async function getFileChecked(this: FileSystemFileHandle): Promise<File> {
    const file = await getFile.call(this);
    if ((await decide(file, 'picker')) === 'block') throw new DOMException(BLOCKED_MESSAGE, 'NotAllowedError');
    return file;
  };
}
