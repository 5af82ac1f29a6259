import { describe, expect, it } from 'vitest'
import { describeApp, describeUserAgent } from './user-agent.js'

describe('describeUserAgent', () => {
  it.each([
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox on Windows'],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      'Safari on macOS',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
      'Chrome on Android',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0',
      'Edge on Windows',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1',
      'Chrome on iOS',
    ],
    ['curl/8.5.0', 'An unknown browser'],
    ['', 'An unknown browser'],
  ])('names %s', (ua, expected) => {
    expect(describeUserAgent(ua)).toBe(expected)
  })
})

describe('describeApp', () => {
  it.each([
    ['Shopfront/2.1 (iPhone; iOS 17.5; Scale/3.00)', 'Shopfront 2.1 on iOS'],
    ['okhttp/4.12.0', 'okhttp 4.12.0'],
    ['Dart/3.4 (dart:io)', 'Dart 3.4'],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
      'An app on iOS',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
      'Chrome on Android',
    ],
    ['', 'An unknown app'],
  ])('names %s', (ua, expected) => {
    expect(describeApp(ua)).toBe(expected)
  })
})
