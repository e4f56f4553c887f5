using Xunit.Abstractions;
using Xunit.Sdk;

namespace Berth.Store.Tests.Fixtures;

/// <summary>A test reported as skipped with a reason decided at discovery (see <see cref="StoreTestFramework"/>).</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    private string _reason = "";

    /// <summary>For xunit's de-serializer only.</summary>
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippedTestCase()
    {
    }

    /// <summary>Creates the skipped case for <paramref name="testMethod"/>.</summary>
    public SkippedTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay, TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod, string reason)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
        _reason = reason;
    }

    /// <inheritdoc/>
    public override void Serialize(IXunitSerializationInfo data)
    {
        data.AddValue("SkipReason", _reason);
        base.Serialize(data);
    }

    /// <inheritdoc/>
    public override void Deserialize(IXunitSerializationInfo data)
    {
        _reason = data.GetValue<string>("SkipReason");
        base.Deserialize(data);
    }

    /// <inheritdoc/>
    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;
}
