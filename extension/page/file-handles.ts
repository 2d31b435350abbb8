// Page world: files read through a file system handle. showOpenFilePicker, showDirectoryPicker and
// a dropped item's getAsFileSystemHandle hand the page handles, not files, so no file input or drop
// event ever sees what it reads: every file a handle gives is checked first, and a blocked one is
// refused as a read the user did not permit.
import { NativeDOMException, NativePromise, then, uncurry } from './intrinsics.js';
import { decide } from './verdicts.js';

const BLOCKED_MESSAGE = 'export-guard: the file contains an export of personal data and was blocked';

export function guardFileHandles(): void {
  // Only secure contexts have handles (and only some browsers have the pickers).
  if (typeof FileSystemFileHandle === 'undefined') return;
  const getFile = uncurry(FileSystemFileHandle.prototype.getFile) as (handle: FileSystemFileHandle) => Promise<File>;
  FileSystemFileHandle.prototype.getFile = function getFileChecked(this: FileSystemFileHandle): Promise<File> {
    return new NativePromise<File>((resolve, reject) =>
      then(
        getFile(this),
        (file) => decide(file, 'picker')((decision) => (decision === 'allow' ? resolve(file) : reject(new NativeDOMException(BLOCKED_MESSAGE, 'NotAllowedError')))),
        reject,
      ),
    );
  };
}
