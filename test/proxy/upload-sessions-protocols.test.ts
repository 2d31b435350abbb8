// Which requests are pieces of a chunked upload, read as each widget sends them (their sources:
// tus-js-client, FilePond's processFileChunked, jQuery File Upload's chunked upload, resumable.js
// and flow.js send() and test(), Dropzone's params()), and what is a whole upload or a fragment.
import { describe, expect, it } from 'vitest';
import { recognise } from '../../proxy/uploads/protocols.js';

const url = (target: string) => new URL(`http://proxy.invalid${target}`);

async function multipart(fields: Record<string, string | number>, file: Buffer, fileName = 'blob'): Promise<{ type: string; body: Buffer }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, String(value));
  form.append('file', new Blob([new Uint8Array(file)]), fileName);
  const request = new Request('http://x.invalid/', { method: 'POST', body: form });
  return { type: request.headers.get('content-type')!, body: Buffer.from(await request.arrayBuffer()) };
}

describe('recognise', () => {
  const bytes = Buffer.from('0123456789');

  it('reads a tus PATCH by its upload URL and offset; the size is the portal\'s to tell', () => {
    expect(recognise('PATCH', url('/files/abc'), { 'tus-resumable': '1.0.0', 'upload-offset': '4' }, bytes)).toEqual({
      chunk: { protocol: 'tus', key: '/files/abc', start: 4, data: bytes, total: undefined, name: '', fields: [] },
    });
  });

  it('passes a tus creation carrying the whole file, and holds one carrying part of it', () => {
    expect(recognise('POST', url('/files/'), { 'tus-resumable': '1.0.0', 'upload-length': '10' }, bytes)).toBeUndefined();
    const metadata = `filename ${Buffer.from('lijst.xlsx').toString('base64')},filetype eA==`;
    expect(recognise('POST', url('/files/'), { 'tus-resumable': '1.0.0', 'upload-length': '20', 'upload-metadata': metadata }, bytes)).toMatchObject({ create: { start: 0, total: 20, name: 'lijst.xlsx' } });
  });

  it('reads a tus final upload as the paths of its partial uploads', () => {
    expect(recognise('POST', url('/files/'), { 'tus-resumable': '1.0.0', 'upload-concat': 'final;http://portal/files/a /files/b' }, undefined)).toEqual({ concat: ['/files/a', '/files/b'] });
  });

  it('reads a FilePond PATCH by its ?patch= id, and refuses Upload-Offset without Upload-Length', () => {
    expect(recognise('PATCH', url('/api/process?patch=fp1'), { 'upload-offset': '0', 'upload-length': '30', 'upload-name': 'lijst%20a.xlsx' }, bytes)).toMatchObject({
      chunk: { protocol: 'upload-offset', key: '/api/process?patch=fp1', start: 0, total: 30, name: 'lijst a.xlsx' },
    });
    expect(recognise('PATCH', url('/api/process?patch=fp1'), { 'upload-offset': '0' }, bytes)).toHaveProperty('fragment');
  });

  it('reads jQuery File Upload\'s multipart chunk by Content-Range and the file name in Content-Disposition', async () => {
    const { type, body } = await multipart({}, bytes);
    const found = recognise('POST', url('/upload'), { 'content-type': type, 'content-range': 'bytes 10-19/40', 'content-disposition': 'attachment; filename="lijst%20b.xlsx"' }, body);
    expect(found).toMatchObject({ chunk: { protocol: 'content-range', start: 10, total: 40, name: 'lijst b.xlsx', key: '/upload\nlijst b.xlsx' } });
    expect(Buffer.from((found as { chunk: { data: Buffer } }).chunk.data)).toEqual(bytes);
    expect(recognise('PUT', url('/upload'), { 'content-range': 'bytes 10-29/40' }, bytes)).toHaveProperty('fragment');
  });

  it('reads resumable.js and flow.js chunks and their test GETs; other form fields are kept for the scan', async () => {
    const fields = { resumableChunkNumber: 3, resumableChunkSize: 10, resumableCurrentChunkSize: 10, resumableTotalSize: 35, resumableIdentifier: '35-lijstxlsx', resumableFilename: 'lijst.xlsx', onderwerp: 'Uitnodiging' };
    const { type, body } = await multipart(fields, bytes);
    expect(recognise('POST', url('/upload'), { 'content-type': type }, body)).toMatchObject({
      chunk: { protocol: 'resumable', key: '/upload\n35-lijstxlsx', start: 20, total: 35, name: 'lijst.xlsx', fields: ['onderwerp: Uitnodiging'] },
    });
    const query = new URLSearchParams({ flowChunkNumber: '2', flowChunkSize: '10', flowCurrentChunkSize: '15', flowIdentifier: 'id-1' });
    expect(recognise('GET', url(`/upload?${query}`), {}, undefined)).toEqual({ probe: { protocol: 'flow', key: '/upload\nid-1', chunk: { start: 10, length: 15 } } });
  });

  it('reads resumable.js fields under a parameterNamespace', async () => {
    const { type, body } = await multipart({ eg_resumableChunkNumber: 2, eg_resumableChunkSize: 10, eg_resumableTotalSize: 35, eg_resumableIdentifier: 'n-1' }, bytes);
    expect(recognise('POST', url('/upload'), { 'content-type': type }, body)).toMatchObject({ chunk: { protocol: 'resumable', key: '/upload\nn-1', start: 10, total: 35, fields: [] } });
  });

  it('refuses a resumable.js chunk whose bytes are not the size it states', async () => {
    const { type, body } = await multipart({ resumableChunkNumber: 1, resumableChunkSize: 10, resumableCurrentChunkSize: 9, resumableTotalSize: 35, resumableIdentifier: 'x' }, bytes);
    expect(recognise('POST', url('/upload'), { 'content-type': type }, body)).toHaveProperty('fragment');
  });

  it('reads a Dropzone chunk by its byte offset', async () => {
    const { type, body } = await multipart({ dzuuid: 'u-1', dzchunkindex: 1, dztotalfilesize: 25, dzchunksize: 10, dztotalchunkcount: 3, dzchunkbyteoffset: 10 }, bytes, 'lijst.xlsx');
    expect(recognise('POST', url('/upload'), { 'content-type': type }, body)).toMatchObject({ chunk: { protocol: 'dropzone', key: '/upload\nu-1', start: 10, total: 25, name: 'lijst.xlsx' } });
  });

  it('leaves every other upload to the scan', async () => {
    const { type, body } = await multipart({ onderwerp: 'Uitnodiging' }, bytes);
    expect(recognise('POST', url('/api/attachments'), { 'content-type': type }, body)).toBeUndefined();
    expect(recognise('GET', url('/page?x=1'), {}, undefined)).toBeUndefined();
  });
});
