using System.Collections.Generic;
using System.Linq;
using NetDsl;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>
/// How a product cuts its rows into micro-tiles (<c>Kernels.TileHeight</c>), per kernel, and the run of tiles of one
/// height that <c>GemmRange</c> hands to the micro-kernel in one call (<c>Kernels.TileRun</c>). The
/// products' results do not depend on the cut (GemmTests and WideKernelTests check them); these check the cut itself.
/// In the collection xunit runs alone, since each forces a kernel.
/// </summary>
[Collection(WorkerPoolCollection.Name)]
public class RowTileTests
{
    private static List<int> Plan(Kernels.ProductKernel kernel, int rows)
    {
        var plan = new List<int>();
        KernelTestData.WithKernel(kernel, () =>
        {
            for (int left = rows; left > 0;)
            {
                int h = Kernels.TileHeight(left);
                Assert.InRange(h, 1, 6);
                plan.Add(h);
                left -= h;
            }
        });
        return plan;
    }

    [Fact]
    public void A_batch_of_32_is_cut_evenly_for_256_bit_vectors_and_in_pairs_of_six_for_512()
    {
        // Five-row tiles keep ten FMA chains in flight where four-row ones keep eight; the 512-bit kernel pairs six-row
        // tiles into twelve-row ones.
        Assert.Equal([6, 6, 5, 5, 5, 5], Plan(Kernels.ProductKernel.Vector256, 32));
        Assert.Equal([6, 6, 6, 6, 4, 4], Plan(Kernels.ProductKernel.Vector512, 32));
        Assert.Equal(Enumerable.Repeat(6, 129).Concat([5, 5]), Plan(Kernels.ProductKernel.Vector256, 784));
        Assert.Equal([4, 3], Plan(Kernels.ProductKernel.Vector256, 7));
        Assert.Equal([5, 4, 4], Plan(Kernels.ProductKernel.Vector256, 13));
    }

    [Fact]
    public void With_256_bit_vectors_the_rows_take_as_few_tiles_as_six_row_tiles_need_the_taller_first()
    {
        for (int rows = 1; rows <= 400; rows++)
        {
            List<int> plan = Plan(Kernels.ProductKernel.Vector256, rows);
            Assert.Equal(rows, plan.Sum());
            Assert.Equal((rows + 5) / 6, plan.Count);
            Assert.True(plan.Max() - plan.Min() <= 1, $"{rows} rows: {string.Join(" + ", plan)}");
            for (int t = 1; t < plan.Count; t++) Assert.True(plan[t] <= plan[t - 1], $"{rows} rows: {string.Join(" + ", plan)}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_run_handed_to_the_micro_kernel_is_the_cut_s_run_of_tiles_of_one_height(bool wide)
    {
        Kernels.ProductKernel kernel = wide ? Kernels.ProductKernel.Vector512 : Kernels.ProductKernel.Vector256;
        for (int rows = 1; rows <= 400; rows++)
        {
            List<int> plan = Plan(kernel, rows);
            int expected = plan.TakeWhile(h => h == plan[0]).Count();
            int actual = 0;
            KernelTestData.WithKernel(kernel, () => actual = Kernels.TileRun(rows));
            Assert.True(expected == actual, $"{rows} rows on {kernel} ({string.Join(" + ", plan)}): a run of {actual} counted");
        }
    }
}
