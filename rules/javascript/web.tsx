import React from 'react';
import DOMPurify from 'dompurify';

type Props = { comment: { body: string }; title: string };

export function Comment({ comment, title }: Props): JSX.Element {
  // ruleid: js-react-dangerously-set-inner-html
  const body = <section className="c" dangerouslySetInnerHTML={{ __html: comment.body }}></section>;
  // ok: js-react-dangerously-set-inner-html
  const safe = <section dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(comment.body) }} />;
  // ok: js-react-dangerously-set-inner-html
  const heading = <h2>{title}</h2>;
  return <article>{heading}{body}{safe}</article>;
}

export function notify(target: Window, token: string): void {
  // ruleid: js-postmessage-wildcard-origin
  target.postMessage({ token }, '*');
}

export class Preview {
  constructor(private sanitizer: DomSanitizer) {}

  render(html: string) {
    // ruleid: js-angular-bypass-security-trust
    return this.sanitizer.bypassSecurityTrustHtml(html);
  }

  logo() {
    // ok: js-angular-bypass-security-trust
    return this.sanitizer.bypassSecurityTrustUrl('/assets/logo.svg');
  }
}
