import { md5OfMessageAttributes, md5OfMessageBody } from '../../../../local/sqs';

// Reference digests published with the `aws-md5-of-message-attributes` package (computed by SQS).
describe('SQS MD5 digests', () => {
  it('hashes the body as UTF-8', () => {
    expect(md5OfMessageBody('hello')).toBe('5d41402abc4b2a76b9719d911017c592');
  });

  it('hashes message attributes exactly as SQS does', () => {
    expect(md5OfMessageAttributes({ attribName1: { DataType: 'String', StringValue: 'attribValue 1' } })).toBe('19e27d4e946b072f3f58da80d94fd778');
    expect(md5OfMessageAttributes({ customNumberTypeAttrib: { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' } })).toBe(
      '9fe1b90bbd9965bdf77bac517c7d2495',
    );
    const binary = { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!').toString('base64') };
    expect(md5OfMessageAttributes({ binaryAttribute: binary })).toBe('31a92b15d92f8db860eda32aceb656c3');
    expect(
      md5OfMessageAttributes({
        attribName1: { DataType: 'String', StringValue: 'attribValue 1' },
        customNumberTypeAttrib: { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' },
        binaryAttribute: binary,
      }),
    ).toBe('c932db14a896c663f83c260297d594ff');
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });
});
