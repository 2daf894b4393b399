// How attachments read in the context (#9.14): a reply's like the first email's, and a text file's own words.
import { describe, expect, it } from 'vitest';
import { renderContext } from './channel-render.js';
import { emailWithAttachments, repliesWithout, replyWithAttachments } from './render-scenarios.js';

describe('renderer: attachments (#9.14)', () => {
  it('#9.14: a reply lists its attachments under the message, with a text file’s contents', () => {
    expect(renderContext(replyWithAttachments.events)).toBe(
      [
        '<human_response>',
        '    message: "See attached"',
        '    attachments:',
        '      - file: "screen.png (image/png, 48213 bytes)"',
        '      - file: "rows.csv (text/csv, 24 bytes)"',
        '        text: "id,amount\\n1,100\\n2,200"',
        '</human_response>',
      ].join('\n'),
    );
  });

  it('a reply without attachments renders exactly as before', () => {
    expect(renderContext(repliesWithout.events)).toBe('<human_response>\n    message: "Platform"\n</human_response>\n\n<human_response>\n    message: "Platform"\n</human_response>');
  });

  it('#9.14: the first email shows a text attachment’s contents after the list', () => {
    expect(renderContext(emailWithAttachments.events)).toContain(
      '    Attachments: screen.png (image/png, 48213 bytes), rows.csv (text/csv, 24 bytes)\n    Attachment rows.csv: id,amount\n        1,100\n        2,200\n    Previous Thread: []',
    );
  });
});
