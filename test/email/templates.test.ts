import { escapeHtml } from '../../src/email/html';
import { EmailRequestError } from '../../src/email/template-params';
import { renderEmailRequest, TEMPLATE_NAMES } from '../../src/email/templates';

describe('e-mail templates', () => {
  it('knows welcome and password-reset', () => {
    expect(TEMPLATE_NAMES).toEqual(expect.arrayContaining(['welcome', 'password-reset']));
  });

  it('escapes user values in the HTML part only', () => {
    const name = `<script>alert("x")</script> & 'co'`;
    const email = renderEmailRequest({ to: 'a@example.com', template: 'welcome', params: { name } });
    expect(email.text).toContain(name);
    expect(email.html).toContain(escapeHtml(name));
    expect(email.html).not.toContain('<script>');
    expect(escapeHtml(name)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
  });

  it('fills optional parameters with their default', () => {
    const email = renderEmailRequest({
      to: 'a@example.com',
      template: 'password-reset',
      params: { name: 'Ann', resetUrl: 'https://example.com/r' },
    });
    expect(email.text).toContain('expires in 60 minutes');
  });

  it('names the field that cannot be rendered', () => {
    const attempt = () =>
      renderEmailRequest({ to: 'a@example.com', template: 'welcome', params: { name: ['x'] } });
    expect(attempt).toThrow(EmailRequestError);
    expect(attempt).toThrow(expect.objectContaining({ field: 'params.name' }));
  });
});
