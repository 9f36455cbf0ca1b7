import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTemplate, renderTemplate, type Template, unknownFields } from './template.ts';

const t = (text: string): Template => {
  const parsed = parseTemplate(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
};

describe('templates', () => {
  it('fills fields; numbers get at most one decimal; missing ones are empty', () => {
    assert.equal(
      renderTemplate(t('{{service}} at {{ value }}% ({{nothing}})'), {
        service: 'A',
        value: 87.46,
      }),
      'A at 87.5% ()',
    );
    assert.equal(renderTemplate(t('plain'), {}), 'plain');
  });

  it('names the fields it does not know', () => {
    assert.deepEqual(
      unknownFields(t('{{service}} {{servce}} {{x}} {{servce}}'), new Set(['service'])),
      ['servce', 'x'],
    );
  });

  it('refuses braces that are not a placeholder', () => {
    assert.equal(typeof parseTemplate('{{ service'), 'string');
    assert.equal(typeof parseTemplate('{{ a b }}'), 'string');
    assert.equal(typeof parseTemplate('x }} y'), 'string');
  });
});
