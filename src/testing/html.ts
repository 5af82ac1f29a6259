import { FileSystemConfigLoader, HtmlValidate, type Message } from 'html-validate'

// Reads .htmlvalidate.json like the command-line tool does.
const validator = new HtmlValidate(new FileSystemConfigLoader())

/** The HTML validator's errors for a page, each as "line:column rule: message". Empty when the page is valid. */
export async function htmlErrors(html: string, name = 'page.html'): Promise<string[]> {
  const report = await validator.validateString(html, name)
  return report.results.flatMap((r) =>
    r.messages
      .filter((m: Message) => m.severity === 2)
      .map((m: Message) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`),
  )
}
