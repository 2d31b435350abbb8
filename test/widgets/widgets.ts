// The upload widgets portals use, each set up as its documentation's basic example does, with
// where the test picks a file (its file input) and where it drops one. The page script reports the
// widget's own verdict through done('success' | 'error', detail) (window.__eg).
//
// Modes: 'whole' is the widget's defaults (one request for the widgets that chunk only when asked;
// resumable.js, flow.js and tus chunk at their default size); 'default-chunks' turns chunking on at
// the widget's default chunk size where that is a separate switch; 'chunked' uses SMALL_CHUNK, so
// both test files span several chunks.
export type Mode = 'whole' | 'default-chunks' | 'chunked';

export const SMALL_CHUNK = 256 * 1024;

export interface Widget {
  name: string;
  /** Files under node_modules/ the page loads, in order ('uppy.js' is the portal's bundle of Uppy). */
  scripts: string[];
  styles: string[];
  /** The page's markup for the widget. */
  html: string;
  modes: Mode[];
  /** Page script; CHUNK is the chunk size in bytes for 'chunked', null otherwise, MODE the mode. */
  init: string;
  /** The file input a user's file choice goes through. */
  input: string;
  dropZone: string;
}

/** A plain drop area with the widget's own control for choosing a file, as the libraries without UI of their own are used. */
function dropArea(control: string): string {
  return `<div id="widget" style="width:400px;height:200px;border:2px dashed #888">Sleep een bestand hierheen ${control}</div>`;
}

/** resumable.js or flow.js: a browse button and a drop area assigned to it, uploading once the file is added. */
function resumableFamily(name: string, script: string, constructor: string, addedEvent: string): Widget {
  return {
    name,
    scripts: [script],
    styles: [],
    html: dropArea('<button id="browse">Kies een bestand</button>'),
    modes: ['whole', 'chunked'],
    init: `
      const uploader = new ${constructor}(Object.assign({ target: '/upload/${name}' }, CHUNK ? { chunkSize: CHUNK } : {}));
      uploader.assignBrowse(document.getElementById('browse'));
      uploader.assignDrop(document.getElementById('widget'));
      uploader.on('${addedEvent}', () => uploader.upload());
      uploader.on('fileSuccess', () => done('success'));
      uploader.on('fileError', (file, message) => done('error', message));`,
    input: '#browse input[type=file]',
    dropZone: '#widget',
  };
}

export const WIDGETS: readonly Widget[] = [
  {
    name: 'uppy-xhr',
    scripts: ['uppy.js'],
    styles: ['@uppy/core/dist/style.min.css', '@uppy/dashboard/dist/style.min.css'],
    html: '<div id="widget"></div>',
    modes: ['whole'],
    init: `
      const { Uppy, Dashboard, XHRUpload } = window.UppyKit;
      const uppy = new Uppy({ autoProceed: true })
        .use(Dashboard, { inline: true, target: '#widget', height: 300 })
        .use(XHRUpload, { endpoint: '/upload/form' });
      uppy.on('upload-success', () => done('success'));
      uppy.on('upload-error', (file, error) => done('error', error && error.message));`,
    input: 'input.uppy-Dashboard-input',
    dropZone: '.uppy-Dashboard-inner',
  },
  {
    name: 'uppy-tus',
    scripts: ['uppy.js'],
    styles: ['@uppy/core/dist/style.min.css', '@uppy/dashboard/dist/style.min.css'],
    html: '<div id="widget"></div>',
    modes: ['whole', 'chunked'],
    init: `
      const { Uppy, Dashboard, Tus } = window.UppyKit;
      const uppy = new Uppy({ autoProceed: true })
        .use(Dashboard, { inline: true, target: '#widget', height: 300 })
        .use(Tus, CHUNK ? { endpoint: '/files/', chunkSize: CHUNK } : { endpoint: '/files/' });
      uppy.on('upload-success', () => done('success'));
      uppy.on('upload-error', (file, error) => done('error', error && error.message));`,
    input: 'input.uppy-Dashboard-input',
    dropZone: '.uppy-Dashboard-inner',
  },
  {
    name: 'filepond',
    scripts: ['filepond/dist/filepond.min.js'],
    styles: ['filepond/dist/filepond.min.css'],
    html: '<input type="file" class="filepond" name="filepond">',
    modes: ['whole', 'default-chunks', 'chunked'],
    init: `
      const pond = FilePond.create(document.querySelector('input.filepond'), Object.assign(
        { server: '/upload/filepond', credits: false },
        MODE === 'whole' ? {} : { chunkUploads: true, chunkForce: true },
        CHUNK ? { chunkSize: CHUNK } : {},
      ));
      pond.on('processfile', (error) => error ? done('error', error.main + ' ' + (error.body || '')) : done('success'));
      pond.on('error', (error) => done('error', error && (error.main + ' ' + (error.body || ''))));`,
    input: 'input.filepond--browser',
    dropZone: '.filepond--drop-label',
  },
  {
    name: 'dropzone',
    scripts: ['dropzone/dist/dropzone-min.js'],
    styles: ['dropzone/dist/dropzone.css'],
    html: '<form id="widget" class="dropzone" action="/upload/form"></form>',
    modes: ['whole', 'default-chunks', 'chunked'],
    init: `
      Dropzone.autoDiscover = false;
      const zone = new Dropzone('#widget', Object.assign(
        { url: '/upload/form' },
        MODE === 'whole' ? {} : { chunking: true, forceChunking: true },
        CHUNK ? { chunkSize: CHUNK } : {},
      ));
      zone.on('success', () => done('success'));
      zone.on('error', (file, message) => done('error', typeof message === 'string' ? message : JSON.stringify(message)));`,
    input: 'input.dz-hidden-input',
    dropZone: '#widget',
  },
  // flow.js is a fork of resumable.js: one setup, its own names.
  resumableFamily('resumable', 'resumablejs/resumable.js', 'Resumable', 'fileAdded'),
  resumableFamily('flow', '@flowjs/flow.js/dist/flow.js', 'Flow', 'filesSubmitted'),
  {
    name: 'jquery-file-upload',
    scripts: ['jquery/dist/jquery.min.js', 'blueimp-file-upload/js/vendor/jquery.ui.widget.js', 'blueimp-file-upload/js/jquery.iframe-transport.js', 'blueimp-file-upload/js/jquery.fileupload.js'],
    styles: [],
    html: dropArea('<input id="fileupload" type="file" name="files[]">'),
    modes: ['whole', 'chunked'],
    init: `
      $('#fileupload').fileupload(Object.assign({
        url: '/upload/form',
        dataType: 'json',
        dropZone: $('#widget'),
        done: () => done('success'),
        fail: (e, data) => done('error', data.errorThrown || data.textStatus),
      }, CHUNK ? { maxChunkSize: CHUNK } : {}));`,
    input: '#fileupload',
    dropZone: '#widget',
  },
];

export function widgetNamed(name: string): Widget {
  const widget = WIDGETS.find((w) => w.name === name);
  if (!widget) throw new Error(`no widget named ${name}`);
  return widget;
}
