using System;
using System.Text;

namespace NetDsl.Generator;

/// <summary>An indenting text writer for generated code (no SyntaxFactory: it is slow for large outputs).</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _sb = new();
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length == 0)
        {
            _sb.Append('\n');
            return this;
        }
        _sb.Append(' ', _indent * 4).Append(text).Append('\n');
        return this;
    }

    public SourceWriter Open(string text)
    {
        Line(text);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        if (_indent == 0) throw new InvalidOperationException("Unbalanced Close.");
        _indent--;
        Line("}" + suffix);
        return this;
    }

    public override string ToString()
    {
        if (_indent != 0) throw new InvalidOperationException($"Generated code ends at indent {_indent}.");
        return _sb.ToString();
    }
}
