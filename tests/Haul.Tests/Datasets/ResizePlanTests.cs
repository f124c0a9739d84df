using Haul.Datasets;

namespace Haul.Tests.Datasets;

public sealed class ResizePlanTests
{
    [Theory]
    [InlineData(DatasetResizeMode.No, 400, 200, 400, 200)]
    [InlineData(DatasetResizeMode.KeepRatio, 400, 200, 200, 100)]
    [InlineData(DatasetResizeMode.KeepRatioLargest, 400, 200, 100, 50)]
    [InlineData(DatasetResizeMode.Border, 400, 200, 100, 100)]
    [InlineData(DatasetResizeMode.CenterCrop, 400, 200, 100, 100)]
    [InlineData(DatasetResizeMode.KeepRatio, 40, 20, 200, 100)]
    [InlineData(DatasetResizeMode.KeepRatioLargest, 20, 40, 50, 100)]
    public void For_EachMode_FinalSizeAsImg2datasetMakesIt(DatasetResizeMode mode, int width, int height, int expectedWidth, int expectedHeight)
    {
        var plan = ResizePlan.For(width, height, new DatasetImageOptions { ImageSize = 100, ResizeMode = mode });

        (plan.Width, plan.Height).ShouldBe((expectedWidth, expectedHeight));
    }

    [Fact]
    public void For_BorderOfAWidePicture_ScalesLargerSideThenPads()
    {
        var plan = ResizePlan.For(300, 100, new DatasetImageOptions { ImageSize = 90, ResizeMode = DatasetResizeMode.Border });

        plan.ShouldBe(new ResizePlan(90, 30, CanvasChange.Pad, 90));
    }

    [Fact]
    public void For_CenterCropOfATallPicture_ScalesSmallerSideThenCrops()
    {
        var plan = ResizePlan.For(100, 300, new DatasetImageOptions { ImageSize = 50, ResizeMode = DatasetResizeMode.CenterCrop });

        plan.ShouldBe(new ResizePlan(50, 150, CanvasChange.Crop, 50));
    }

    [Theory]
    [InlineData(DatasetResizeMode.KeepRatio)]
    [InlineData(DatasetResizeMode.KeepRatioLargest)]
    [InlineData(DatasetResizeMode.Border)]
    [InlineData(DatasetResizeMode.CenterCrop)]
    public void For_OnlyIfBiggerAndSmallPicture_LeftAsIs(DatasetResizeMode mode)
    {
        var plan = ResizePlan.For(80, 40, new DatasetImageOptions { ImageSize = 100, ResizeMode = mode, ResizeOnlyIfBigger = true });

        plan.ShouldBe(new ResizePlan(80, 40, CanvasChange.None, 100));
    }

    [Fact]
    public void For_OnlyIfBiggerKeepRatio_ShrinksWhenTheSmallerSideIsAbove()
    {
        var plan = ResizePlan.For(300, 150, new DatasetImageOptions { ImageSize = 100, ResizeMode = DatasetResizeMode.KeepRatio, ResizeOnlyIfBigger = true });

        (plan.Width, plan.Height).ShouldBe((200, 100));
    }

    [Fact]
    public void For_HalfPixel_RoundsHalfToEvenAsPython()
    {
        // 4.5 rounds down to 4 and 1.5 up to 2: Python's round(), which img2dataset's resizer uses.
        ResizePlan.For(4, 3, new DatasetImageOptions { ImageSize = 6, ResizeMode = DatasetResizeMode.KeepRatioLargest }).ShouldBe(new ResizePlan(6, 4, CanvasChange.None, 6));
        ResizePlan.For(3, 4, new DatasetImageOptions { ImageSize = 2, ResizeMode = DatasetResizeMode.KeepRatioLargest }).ShouldBe(new ResizePlan(2, 2, CanvasChange.None, 2));
    }

    [Fact]
    public void For_ExtremeAspectRatio_NeverBelowOnePixel()
    {
        ResizePlan.For(5000, 1, new DatasetImageOptions { ImageSize = 100, ResizeMode = DatasetResizeMode.KeepRatioLargest }).ShouldBe(new ResizePlan(100, 1, CanvasChange.None, 100));
    }
}
