using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Berth.Store.Tests.Fixtures.StoreTestFramework", "Berth.Store.Tests")]

namespace Berth.Store.Tests.Fixtures;

/// <summary>
/// xunit's framework plus one rule: every test of a class marked <see cref="RequiresEtcdAttribute"/> (including the
/// conformance tests it inherits) is reported skipped, with <see cref="EtcdServer.SkipReason"/>, when etcd is missing
/// locally. Under CI=true there is no skip reason, so the tests run and fail. xunit 2 cannot skip at run time, and the
/// inherited [Fact]s cannot carry a per-backend skip, hence the decision at discovery.
/// </summary>
public sealed class StoreTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    /// <inheritdoc/>
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkDiscoverer(assemblyInfo, sourceProvider, diagnosticMessageSink)
    {
        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            var reason = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEtcdAttribute)).Any() ? EtcdServer.SkipReason : null;
            if (reason is null || !testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any())
            {
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
            }

            var testCase = new SkippedTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason);
            return ReportDiscoveredTestCase(testCase, includeSourceInformation, messageBus);
        }
    }
}
